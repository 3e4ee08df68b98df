// lld 14 packs the tools' relative relocations (DT_RELR, -Wl,--pack-dyn-relocs=relr
// in CMakeLists.txt) but, unlike GNU ld and later lld, does not record that
// the binary needs glibc's GLIBC_ABI_DT_RELR version, without which glibc's
// loader refuses to start it ("DT_RELR without GLIBC_ABI_DT_RELR
// dependency"). A reference to the symbol glibc defines under that version
// records it, and makes the package depend on glibc 2.36, which reads DT_RELR.
__asm__(".symver glibc_abi_dt_relr, GLIBC_ABI_DT_RELR@GLIBC_ABI_DT_RELR");
extern "C" const char glibc_abi_dt_relr[];
[[gnu::used, gnu::retain]] static const void* const glibc_abi_dt_relr_reference = glibc_abi_dt_relr;
