package dev.bulwark.engine.signatures.yara.modules;

import java.util.HashMap;
import java.util.Map;

/** Named constants of the dex module: values of the Dalvik executable format. */
final class DexConstants {
    private DexConstants() {}

    private static final String TABLE = """
            ENDIAN_CONSTANT=12345678 REVERSE_ENDIAN_CONSTANT=78563412 NO_INDEX=ffffffff
            ACC_PUBLIC=1 ACC_PRIVATE=2 ACC_PROTECTED=4 ACC_STATIC=8 ACC_FINAL=10 ACC_SYNCHRONIZED=20 ACC_VOLATILE=40
            ACC_BRIDGE=40 ACC_TRANSIENT=80 ACC_VARARGS=80 ACC_NATIVE=100 ACC_INTERFACE=200 ACC_ABSTRACT=400
            ACC_STRICT=800 ACC_SYNTHETIC=1000 ACC_ANNOTATION=2000 ACC_ENUM=4000 ACC_CONSTRUCTOR=10000
            ACC_DECLARED_SYNCHRONIZED=20000
            TYPE_HEADER_ITEM=0 TYPE_STRING_ID_ITEM=1 TYPE_TYPE_ID_ITEM=2 TYPE_PROTO_ID_ITEM=3 TYPE_FIELD_ID_ITEM=4
            TYPE_METHOD_ID_ITEM=5 TYPE_CLASS_DEF_ITEM=6 TYPE_CALL_SITE_ID_ITEM=7 TYPE_METHOD_HANDLE_ITEM=8
            TYPE_MAP_LIST=1000 TYPE_TYPE_LIST=1001 TYPE_ANNOTATION_SET_REF_LIST=1002 TYPE_ANNOTATION_SET_ITEM=1003
            TYPE_CLASS_DATA_ITEM=2000 TYPE_CODE_ITEM=2001 TYPE_STRING_DATA_ITEM=2002 TYPE_DEBUG_INFO_ITEM=2003
            TYPE_ANNOTATION_ITEM=2004 TYPE_ENCODED_ARRAY_ITEM=2005 TYPE_ANNOTATIONS_DIRECTORY_ITEM=2006
            """;

    private static final Map<String, Object> VALUES;

    static {
        Map<String, Object> m = new HashMap<>(MachoConstants.parse(TABLE));
        // (yara17) yara 4.2.3 sets them as C strings: without the magic's final NUL
        for (int v = 35; v <= 39; v++) m.put("DEX_FILE_MAGIC_0" + v, java.util.Arrays.copyOf(magic(v), 7));
        VALUES = Map.copyOf(m);
    }

    /** "dex\n0NN\0" for format version NN. */
    static byte[] magic(int version) {
        return ("dex\n0" + version + "\0").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    static void add(Map<String, Object> m) {
        m.putAll(VALUES);
    }
}
