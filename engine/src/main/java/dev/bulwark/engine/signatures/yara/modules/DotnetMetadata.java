package dev.bulwark.engine.signatures.yara.modules;

/**
 * Row layouts of the ECMA-335 metadata tables (II.22), so that the #~ stream can be walked: each table's row size
 * depends on the heap index sizes and on the row counts of the tables its columns index. Where yara sizes a column
 * differently from ECMA-335 (the tables a coded index counts, the AssemblyRefProcessor index, no ParamPtr table),
 * this follows yara, so that both locate the same rows.
 */
final class DotnetMetadata {
    private DotnetMetadata() {}

    static final int TABLES = 64;
    // coded index kinds (II.24.2.6): the tables each one can point to
    static final int[] TYPE_DEF_OR_REF = {0x02, 0x01, 0x1B};
    static final int[] HAS_CONSTANT = {0x04, 0x08, 0x17};
    // yara leaves DeclSecurity (0x0E) out of HasCustomAttribute's size, TypeDef out of MemberRefParent's, and
    // ExportedType out of ManifestResource's Implementation (-1: a tag that does not count)
    static final int[] HAS_CUSTOM_ATTRIBUTE = {0x06, 0x04, 0x01, 0x02, 0x08, 0x09, 0x0A, 0x00, -1, 0x17, 0x14, 0x11,
            0x1A, 0x1B, 0x20, 0x23, 0x26, 0x27, 0x28, 0x2A, 0x2C, 0x2B};
    static final int[] HAS_FIELD_MARSHAL = {0x04, 0x08};
    static final int[] HAS_DECL_SECURITY = {0x02, 0x06, 0x20};
    static final int[] MEMBER_REF_PARENT = {-1, 0x01, 0x1A, 0x06, 0x1B};
    static final int[] HAS_SEMANTICS = {0x14, 0x17};
    static final int[] METHOD_DEF_OR_REF = {0x06, 0x0A};
    static final int[] MEMBER_FORWARDED = {0x04, 0x06};
    static final int[] IMPLEMENTATION = {0x26, 0x23, 0x27};
    static final int[] RESOURCE_IMPLEMENTATION = {0x26, 0x23, -1};
    static final int[] CUSTOM_ATTRIBUTE_TYPE = {-1, -1, 0x06, 0x0A, -1};
    static final int[] RESOLUTION_SCOPE = {0x00, 0x1A, 0x23, 0x01};
    static final int[] TYPE_OR_METHOD_DEF = {0x02, 0x06};

    /** Index widths for one #~ stream. */
    record Sizes(int string, int guid, int blob, long[] rows) {
        int table(int t) {
            return rows[t] > 0xFFFF ? 4 : 2;
        }

        int coded(int[] tables) {
            int bits = 32 - Integer.numberOfLeadingZeros(tables.length - 1);
            long max = 0;
            for (int t : tables) if (t >= 0) max = Math.max(max, rows[t]);
            return max > (0xFFFF >> bits) ? 4 : 2;
        }
    }

    /** Row size of table t, or -1 for a table number ECMA-335 does not define. */
    static int rowSize(int t, Sizes z) {
        int s = z.string(), g = z.guid(), b = z.blob();
        return switch (t) { // no ParamPtr (0x07): yara stops walking the tables there
            case 0x00 -> 2 + s + 3 * g; // Module
            case 0x01 -> z.coded(RESOLUTION_SCOPE) + 2 * s; // TypeRef
            case 0x02 -> 4 + 2 * s + z.coded(TYPE_DEF_OR_REF) + z.table(0x04) + z.table(0x06); // TypeDef
            case 0x03 -> z.table(0x04); // FieldPtr
            case 0x04 -> 2 + s + b; // Field
            case 0x05 -> z.table(0x06); // MethodPtr
            case 0x06 -> 4 + 2 + 2 + s + b + z.table(0x08); // MethodDef
            case 0x08 -> 2 + 2 + s; // Param
            case 0x09 -> z.table(0x02) + z.coded(TYPE_DEF_OR_REF); // InterfaceImpl
            case 0x0A -> z.coded(MEMBER_REF_PARENT) + s + b; // MemberRef
            case 0x0B -> 2 + z.coded(HAS_CONSTANT) + b; // Constant
            case 0x0C -> z.coded(HAS_CUSTOM_ATTRIBUTE) + z.coded(CUSTOM_ATTRIBUTE_TYPE) + b; // CustomAttribute
            case 0x0D -> z.coded(HAS_FIELD_MARSHAL) + b; // FieldMarshal
            case 0x0E -> 2 + z.coded(HAS_DECL_SECURITY) + b; // DeclSecurity
            case 0x0F -> 2 + 4 + z.table(0x02); // ClassLayout
            case 0x10 -> 4 + z.table(0x04); // FieldLayout
            case 0x11 -> b; // StandAloneSig
            case 0x12 -> z.table(0x02) + z.table(0x14); // EventMap
            case 0x13 -> z.table(0x14); // EventPtr
            case 0x14 -> 2 + s + z.coded(TYPE_DEF_OR_REF); // Event
            case 0x15 -> z.table(0x02) + z.table(0x17); // PropertyMap
            case 0x16 -> z.table(0x17); // PropertyPtr
            case 0x17 -> 2 + s + b; // Property
            case 0x18 -> 2 + z.table(0x06) + z.coded(HAS_SEMANTICS); // MethodSemantics
            case 0x19 -> z.table(0x02) + 2 * z.coded(METHOD_DEF_OR_REF); // MethodImpl
            case 0x1A -> s; // ModuleRef
            case 0x1B -> b; // TypeSpec
            case 0x1C -> 2 + z.coded(MEMBER_FORWARDED) + s + z.table(0x1A); // ImplMap
            case 0x1D -> 4 + z.table(0x04); // FieldRVA
            case 0x1E -> 8; // EncLog
            case 0x1F -> 4; // EncMap
            case 0x20 -> 4 + 8 + 4 + b + 2 * s; // Assembly
            case 0x21 -> 4; // AssemblyProcessor
            case 0x22 -> 12; // AssemblyOS
            case 0x23 -> 8 + 4 + 2 * b + 2 * s; // AssemblyRef
            case 0x24 -> 4 + z.table(0x24); // AssemblyRefProcessor (yara sizes the index by its own row count)
            case 0x25 -> 12 + z.table(0x23); // AssemblyRefOS
            case 0x26 -> 4 + s + b; // File
            case 0x27 -> 8 + 2 * s + z.coded(IMPLEMENTATION); // ExportedType
            case 0x28 -> 8 + s + z.coded(RESOURCE_IMPLEMENTATION); // ManifestResource
            case 0x29 -> 2 * z.table(0x02); // NestedClass
            case 0x2A -> 4 + z.coded(TYPE_OR_METHOD_DEF) + s; // GenericParam
            case 0x2B -> z.coded(METHOD_DEF_OR_REF) + b; // MethodSpec
            case 0x2C -> z.table(0x2A) + z.coded(TYPE_DEF_OR_REF); // GenericParamConstraint
            default -> -1;
        };
    }
}
