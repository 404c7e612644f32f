// Test fixture for Bulwark's YARA dotnet.classes: compiled with
//   mcs -langversion:experimental -unsafe -target:library -out:Types.dll Types.cs
// Covers namespaces and the global namespace, nested types, generics with constraints, interfaces,
// abstract/sealed/static types, every member visibility, virtual/final/abstract/static methods, and
// ref/out/params/array/pointer/generic parameter and return types.
using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace Fixture.Shapes
{
    public interface IShape<T> where T : class
    {
        T Describe(int detail);
        double Area { get; }
    }

    public interface IScaled
    {
        void Scale(double factor);
    }

    public abstract class Shape<K, V> where K : IComparable<K> where V : new()
    {
        protected Shape() { }
        public abstract V Find(K key, ref int hint);
        protected internal virtual void Touch() { }
        internal static int Count;
        private protected void Hidden() { }
        protected virtual IEnumerable<KeyValuePair<K, V>> Pairs() { return null; }
    }

    public sealed class Circle : Shape<string, List<int>>, IShape<string>, IScaled, IDisposable
    {
        private double radius;
        public override List<int> Find(string key, ref int hint) { return null; }
        public string Describe(int detail) { return null; }
        public double Area { get { return radius; } }
        void IScaled.Scale(double factor) { radius *= factor; }
        public void Dispose() { }
        public static unsafe int* Raw(int*[] table, out long written, params object[] rest) { written = 0; return null; }
        public static unsafe void** Deep(byte* p, char** q) { return null; }
        public int[,] Grid(int[][] jagged, string[,,] cube) { return null; }
        public Dictionary<TK, TV[]> Map<TK, TV>(TK key, TV value, List<TK> keys) where TK : struct { return null; }
        public event EventHandler Changed;
        public int this[int i] { get { return i; } set { } }
        public static Circle operator +(Circle a, Circle b) { return a; }
        public static implicit operator double(Circle c) { return c.radius; }
        static Circle() { }
        ~Circle() { }
        public void Primitives(bool a, char b, sbyte c, byte d, short e, ushort f, int g, uint h, long i, ulong j,
            float k, double l, string m, object n, IntPtr o, UIntPtr p, decimal q, TypedReference r) { }
        public int? Nullable(int? a, DateTime? b) { return a; }
        public Func<int, string> Lambda(Action<Func<List<string>, bool>> act) { return null; }
        public void VarArgs(int n, __arglist) { }
        protected void OnChanged() { if (Changed != null) Changed(this, EventArgs.Empty); }
    }

    public static class Helpers
    {
        [DllImport("kernel32.dll")]
        public static extern int GetTickCount();
        public static T Max<T>(T a, T b) where T : IComparable<T> { return a.CompareTo(b) > 0 ? a : b; }
        internal static void Internal() { }
        private static void Private() { }
    }

    public struct Point
    {
        public int X, Y;
        public Point Add(Point other) { return other; }
        public override string ToString() { return null; }
    }

    public enum Color { Red, Green }

    public delegate TResult Transformer<in TIn, out TResult>(TIn input);

    public class Outer<T>
    {
        public class Inner
        {
            public T Value() { return default(T); }
            protected class Innermost<U>
            {
                internal U Pick(T t, U u) { return u; }
            }
        }
        private class Secret { }
        protected internal class Family { }
        internal class Assembly { }
        private protected class FamilyAndAssembly { }
        protected class Protected { }
        public virtual T[] Many(Inner inner, Outer<int>.Inner other) { return null; }
    }

    public abstract class Derived : Outer<string>, IComparable<Derived>
    {
        public abstract int CompareTo(Derived other);
        public sealed override string[] Many(Inner inner, Outer<int>.Inner other) { return null; }
    }
}

namespace Fixture
{
    internal class InternalType
    {
        List<Shapes.Outer<int>.Inner> Nested(Shapes.Outer<string>.Inner x) { return null; }
    }
}

public class GlobalType
{
    public class NestedInGlobal { }
    public static void Main() { }
}

namespace Fixture.Interop
{
    // P/Invoke declarations: a [return: MarshalAs] gives the method a Param row for its return value, which
    // YARA takes for the first parameter (it ignores Param sequence numbers)
    public static class Native
    {
        [DllImport("kernel32.dll")]
        [return: MarshalAs(UnmanagedType.Bool)]
        public static extern bool CloseHandle(IntPtr handle);

        [DllImport("kernel32.dll", CharSet = CharSet.Ansi)]
        public static extern IntPtr LoadLibraryA([MarshalAs(UnmanagedType.LPStr)] string name);

        [DllImport("user32.dll")]
        [return: MarshalAs(UnmanagedType.I4)]
        public static extern int MessageBoxW(IntPtr owner, [MarshalAs(UnmanagedType.LPWStr)] string text, string caption, uint type);
    }
}
