// Devicetree Specification v0.4, chapter 5: constants spelled as the spec spells them.

/** 5.2 Header: magic value, stored big-endian. */
export const FDT_MAGIC = 0xd00dfeed;
/** 5.2: the header version this builder writes (version 17 layout). */
export const FDT_VERSION = 17;
/** 5.2: the lowest version the written blob is backwards compatible with. */
export const FDT_LAST_COMP_VERSION = 16;
/** 5.2: size in bytes of a version 17 header (ten u32 fields). */
export const FDT_HEADER_SIZE = 40;

/** 5.4.1 Lexical structure: structure block tokens. */
export const FDT_BEGIN_NODE = 0x1;
export const FDT_END_NODE = 0x2;
export const FDT_PROP = 0x3;
export const FDT_NOP = 0x4;
export const FDT_END = 0x9;

/** 5.3.2: memory reservation entries are 8-byte aligned; 5.4.1: structure tokens 4-byte aligned. */
export const FDT_RSV_ALIGN = 8;
export const FDT_TOKEN_ALIGN = 4;
