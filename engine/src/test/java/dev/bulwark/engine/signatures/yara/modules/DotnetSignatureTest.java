package dev.bulwark.engine.signatures.yara.modules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The signature decoder on hand-made blobs for what the C# fixture cannot contain (array bounds, function
 * pointers, custom modifiers, undecodable generic arguments, nesting limits). The expected names are what
 * YARA 4.5's parse_signature_type builds for the same bytes. TypeDefOrRef indexes are named by a table
 * (TypeRef 1 is {@code Dictionary}, TypeRef 2 is {@code Ns.Type}); the real resolver is tested on assemblies.
 */
class DotnetSignatureTest {
    private static final DotnetSignature.Resolver NAMES = (coded, generic, depth) ->
            coded == (1 << 2 | 1) ? "Dictionary" : coded == (2 << 2 | 1) ? "Ns.Type" : null;

    private static String decode(String hex, List<String> classGeneric, List<String> methodGeneric) {
        byte[] b = HexFormat.of().parseHex(hex);
        return new DotnetSignature(NAMES).type(new DotnetSignature.Cursor(new ScanInput(b, 0, b.length), 0, b.length),
                classGeneric, methodGeneric, 0);
    }

    private static String decode(String hex) {
        return decode(hex, List.of(), List.of());
    }

    @Test
    void primitives() {
        String[] names = {null, "void", "bool", "char", "sbyte", "byte", "short", "ushort", "int", "uint", "long", "ulong",
            "float", "double", "string"};
        for (int t = 0; t < names.length; t++) assertEquals(names[t], decode(String.format("%02x", t)));
        assertEquals("TypedReference", decode("16"));
        assertEquals("IntPtr", decode("18"));
        assertEquals("UIntPtr", decode("19"));
        assertEquals("object", decode("1c"));
        assertNull(decode("41")); // SENTINEL: not a type
        assertNull(decode("45")); // PINNED: not shown by yara
        assertNull(decode(""));
    }

    @Test
    void pointersReferencesAndVectors() {
        assertEquals("Ptr<Ptr<void>>", decode("0f0f01"));
        assertEquals("ref int", decode("1008"));
        assertEquals("Ptr<int>[]", decode("1d0f08"));
        assertEquals("ref Ns.Type[]", decode("101d1209"));
        assertNull(decode("0f")); // pointer to nothing
    }

    @Test
    void arraysWithSizesAndBounds() {
        assertEquals("int[2...5,-1...3]", decode("14 08 02 02 04 05 02 04 7f".replace(" ", ""))); // lower bounds 2 and -1
        assertEquals("string[7,,]", decode("140e03010700"));
        assertEquals("int[3...]", decode("1408010001 06".replace(" ", ""))); // a lower bound and no size
        assertEquals("int[,]", decode("14080200020000")); // what C# compilers emit for int[,]
        assertNull(decode("1408000000")); // rank 0
        assertNull(decode("1408330000")); // rank 51 > 50
        assertNull(decode("140801020102")); // more sizes than dimensions
        assertNull(decode("14080100020000")); // more lower bounds than dimensions
    }

    @Test
    void genericInstances() {
        assertEquals("Dictionary<string,Ns.Type>", decode("15120502 0e 1209".replace(" ", "")));
        assertEquals("Dictionary<,int,string>", decode("151205034508 0e".replace(" ", ""))); // yara keeps the comma of a lost argument
        assertEquals("Dictionary<>", decode("151205")); // count missing: yara reads 0
        assertNull(decode("1512 0d 01 08".replace(" ", ""))); // unresolvable generic type
        assertNull(decode("151205 83e9 08".replace(" ", ""))); // 1001 arguments > 1000
    }

    @Test
    void functionPointersAndModifiers() {
        assertEquals("FnPtr<int(string, object)>", decode("1b0002080e1c"));
        assertEquals("FnPtr<void()>", decode("1b000001"));
        assertNull(decode("1b")); // no calling convention byte
        assertEquals("int", decode("1f0508")); // modreq(TypeRef 1) int: the modifier is not shown
        assertEquals("Ptr<long>", decode("0f20090a"));
    }

    @Test
    void genericParametersByName() {
        assertEquals("B", decode("1301", List.of("A", "B"), List.of()));
        assertEquals("M[]", decode("1d1e00", List.of(), List.of("M")));
        assertNull(decode("1302", List.of("A", "B"), List.of()));
        assertNull(decode("1e00", List.of("A"), null)); // a TypeSpec has no method parameters
    }

    @Test
    void nestingLimit() {
        String sixteen = "1d".repeat(16) + "08", seventeen = "1d".repeat(17) + "08";
        assertEquals("int" + "[]".repeat(16), decode(sixteen));
        assertNull(decode(seventeen));
    }

    @Test
    void compressedIntegers() {
        byte[] b = HexFormat.of().parseHex("7f8123c0004000e0");
        DotnetSignature.Cursor c = new DotnetSignature.Cursor(new ScanInput(b, 0, b.length), 0, b.length);
        assertEquals(0x7F, DotnetSignature.unsigned(c));
        assertEquals(0x123, DotnetSignature.unsigned(c));
        assertEquals(0x4000, DotnetSignature.unsigned(c));
        assertEquals(0, DotnetSignature.unsigned(c)); // 111xxxxx is not an encoding, nor is a truncated one
        assertEquals(7, c.pos);
        byte[] s = HexFormat.of().parseHex("7f018001c0000001 06".replace(" ", ""));
        DotnetSignature.Cursor d = new DotnetSignature.Cursor(new ScanInput(s, 0, s.length), 0, s.length);
        assertEquals(-1, DotnetSignature.signed(d));
        assertEquals(-64, DotnetSignature.signed(d));
        assertEquals(-8192, DotnetSignature.signed(d));
        assertEquals(-268435456, DotnetSignature.signed(d));
        assertEquals(3, DotnetSignature.signed(d));
    }

    @Test
    void cursorNeverReadsPastTheBlob() {
        byte[] b = HexFormat.of().parseHex("1d1d1d");
        // a blob claiming more bytes than the data has is cut at the end of the data
        assertNull(new DotnetSignature(NAMES).type(new DotnetSignature.Cursor(new ScanInput(b, 0, b.length), 0, 1000),
                List.of(), List.of(), 0));
        assertNull(decode("1d1d1d"));
    }
}
