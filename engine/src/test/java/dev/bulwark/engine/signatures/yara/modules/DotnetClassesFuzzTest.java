package dev.bulwark.engine.signatures.yara.modules;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer fuzz tests of {@code dotnet.classes}: whole assemblies, and the C# fixture with its #Blob heap replaced
 * by the fuzzer's bytes (so every method and TypeSpec signature the intact tables point at is fuzzed). Seeds in
 * DotnetClassesFuzzTestInputs/&lt;method&gt;/ replay in the normal build. The module must never throw and its
 * output must stay self-consistent ({@link DotnetClassesRobustnessTest#check}).
 */
class DotnetClassesFuzzTest {
    private static byte[] fixture;
    private static long[] blob;

    private static synchronized byte[] fixture() throws Exception {
        if (fixture == null) {
            fixture = DotnetClassesRobustnessTest.fixture();
            blob = DotnetClassesRobustnessTest.stream(fixture, "#Blob");
        }
        return fixture;
    }

    @FuzzTest(maxDuration = "60s")
    void assembly(byte[] data) {
        DotnetClassesRobustnessTest.check(DotnetClassesRobustnessTest.load(data));
    }

    @FuzzTest(maxDuration = "60s")
    void blobHeap(byte[] data) throws Exception {
        byte[] b = fixture().clone();
        System.arraycopy(data, 0, b, (int) blob[0], (int) Math.min(data.length, blob[1]));
        DotnetClassesRobustnessTest.check(DotnetClassesRobustnessTest.load(b));
    }
}
