// Print libaudit's own tables as JSON: record type numbers and names, the ELF machine of each audit arch and
// that machine's syscall names. Built and run by scripts/gen-audit-tables.mjs against the installed
// libaudit.so.1; the prototypes are those of lib/libaudit.h (audit 3.0.9), libaudit-dev being absent here.
#include <stdio.h>

extern const char *audit_msg_type_to_name(int msg_type);
extern const char *audit_machine_to_name(int machine);
extern int audit_elf_to_machine(unsigned int elf);
extern const char *audit_syscall_to_name(int sc, int machine);

// The kernel's AUDIT_ARCH_* values (include/uapi/linux/audit.h) that libaudit knows a machine for.
static const unsigned int ARCHES[] = {
  0x40000003, /* i386 */ 0xc000003e, /* x86_64 */ 0x00000014, /* ppc */ 0x80000015, /* ppc64 */
  0xc0000015, /* ppc64le */ 0x00000016, /* s390 */ 0x80000016, /* s390x */ 0x40000028, /* arm */
  0xc00000b7, /* aarch64 */ 0xc0000032, /* ia64 */ 0xc0009026, /* alpha */ 0xc00000f3, /* riscv64 */
};

static void str(const char *s) {
  putchar('"');
  for (; *s; s++) if (*s == '"' || *s == '\\') printf("\\%c", *s); else putchar(*s);
  putchar('"');
}

int main(void) {
  printf("{\"types\":{");
  int first = 1;
  for (int t = 0; t < 10000; t++) {
    const char *n = audit_msg_type_to_name(t);
    if (!n) continue;
    printf("%s\"%d\":", first ? "" : ",", t);
    str(n);
    first = 0;
  }
  printf("},\"arches\":{");
  first = 1;
  for (unsigned i = 0; i < sizeof ARCHES / sizeof ARCHES[0]; i++) {
    int m = audit_elf_to_machine(ARCHES[i]);
    if (m < 0) continue;
    const char *mn = audit_machine_to_name(m);
    if (!mn) continue;
    printf("%s\"%08x\":{\"machine\":", first ? "" : ",", ARCHES[i]);
    str(mn);
    printf(",\"syscalls\":{");
    int f2 = 1;
    for (int sc = 0; sc < 4096; sc++) {
      const char *s = audit_syscall_to_name(sc, m);
      if (!s) continue;
      printf("%s\"%d\":", f2 ? "" : ",", sc);
      str(s);
      f2 = 0;
    }
    printf("}}");
    first = 0;
  }
  printf("}}\n");
  return 0;
}
