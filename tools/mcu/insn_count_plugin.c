// SPDX-License-Identifier: Apache-2.0
// QEMU TCG plugin: exact instruction counts between two marker instructions in guest code.
//
// Every executed guest instruction bumps one 64-bit counter (inline TCG add, no helper call). The
// guest marks a region with reserved Thumb-2 hint encodings, which are NOPs on real silicon:
//   hint #0x60  (bytes AF F3 60 80)  start of region
//   hint #0x61  (bytes AF F3 61 80)  end of region: the plugin reports the count
// The count reported is the number of instructions executed strictly between the two markers
// (neither marker is counted), so an empty region reports 0.
//
// Arguments (-plugin insn_count_plugin.so,arg=value,...):
//   out=<file>   append one line per region ("<count>\n") to <file> instead of printing
//                "insn_count=<count>" on stdout
//   total=on     at exit, print "insn_total=<count>" (whole run) on stdout
//
// Debian's qemu-system-arm 7.2 ships with plugin support but without qemu-plugin.h, so the few
// API-v1 entry points used here are declared below (signatures of QEMU 7.2, plugin API v1).
// Build: gcc -O2 -shared -fPIC -o insn_count_plugin.so insn_count_plugin.c
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

// ---- QEMU plugin API v1 (subset) ----------------------------------------------------------------
typedef uint64_t qemu_plugin_id_t;
typedef struct qemu_info_t qemu_info_t;  // only ever passed by pointer
struct qemu_plugin_tb;
struct qemu_plugin_insn;

enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_CB_R_REGS, QEMU_PLUGIN_CB_RW_REGS };
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };

typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb* tb);
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu_index, void* userdata);
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void* userdata);

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb* tb);
struct qemu_plugin_insn* qemu_plugin_tb_get_insn(const struct qemu_plugin_tb* tb, size_t idx);
const void* qemu_plugin_insn_data(const struct qemu_plugin_insn* insn);
size_t qemu_plugin_insn_size(const struct qemu_plugin_insn* insn);
void qemu_plugin_register_vcpu_insn_exec_inline(struct qemu_plugin_insn* insn,
                                                enum qemu_plugin_op op, void* ptr, uint64_t imm);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn* insn,
                                            qemu_plugin_vcpu_udata_cb_t cb,
                                            enum qemu_plugin_cb_flags flags, void* userdata);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb, void* userdata);

#define PLUGIN_EXPORT __attribute__((visibility("default")))
PLUGIN_EXPORT int qemu_plugin_version = 1;
// -------------------------------------------------------------------------------------------------

static uint64_t g_count;      // instructions executed so far (all vCPUs: these machines have one)
static uint64_t g_start;      // g_count at the start marker
static bool g_in_region;
static FILE* g_out;           // null: stdout with a prefix
static bool g_total;

enum { kMarkerStart = 0x60, kMarkerStop = 0x61 };

static void on_marker(unsigned int vcpu_index, void* userdata) {
  (void)vcpu_index;
  const uintptr_t which = (uintptr_t)userdata;
  if (which == kMarkerStart) {
    g_start = g_count;
    g_in_region = true;
    return;
  }
  if (!g_in_region) return;  // stop without start: ignore
  g_in_region = false;
  // Both markers are seen at the same point of their own counter update, so the difference
  // counts exactly one of them; subtract it.
  const uint64_t n = g_count - g_start - 1;
  if (g_out != NULL) {
    fprintf(g_out, "%" PRIu64 "\n", n);
    fflush(g_out);
  } else {
    printf("insn_count=%" PRIu64 "\n", n);
    fflush(stdout);
  }
}

// Returns the marker number of a `hint #0x60/#0x61` instruction, or 0.
// QEMU 7.2 can report more bytes than the instruction has (the Thumb decoder's look-ahead at the
// next halfword is recorded too, e.g. size 6 for a marker that ends a TB): match the first 4.
static unsigned marker_of(const struct qemu_plugin_insn* insn) {
  if (qemu_plugin_insn_size(insn) < 4) return 0;
  const uint8_t* b = (const uint8_t*)qemu_plugin_insn_data(insn);
  if (b[0] == 0xAF && b[1] == 0xF3 && b[3] == 0x80 && (b[2] == kMarkerStart || b[2] == kMarkerStop)) {
    return b[2];
  }
  return 0;
}

static void on_tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb* tb) {
  (void)id;
  const size_t n = qemu_plugin_tb_n_insns(tb);
  for (size_t i = 0; i < n; ++i) {
    struct qemu_plugin_insn* insn = qemu_plugin_tb_get_insn(tb, i);
    qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64, &g_count, 1);
    const unsigned m = marker_of(insn);
    if (m != 0) {
      qemu_plugin_register_vcpu_insn_exec_cb(insn, on_marker, QEMU_PLUGIN_CB_NO_REGS,
                                             (void*)(uintptr_t)m);
    }
  }
}

static void plugin_exit(qemu_plugin_id_t id, void* userdata) {
  (void)id;
  (void)userdata;
  if (g_total) {
    printf("insn_total=%" PRIu64 "\n", g_count);
    fflush(stdout);
  }
  if (g_out != NULL) fclose(g_out);
  g_out = NULL;
}

PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t* info, int argc,
                                      char** argv) {
  (void)info;
  for (int i = 0; i < argc; ++i) {
    if (strncmp(argv[i], "out=", 4) == 0) {
      g_out = fopen(argv[i] + 4, "a");
      if (g_out == NULL) {
        fprintf(stderr, "insn_count_plugin: cannot open %s\n", argv[i] + 4);
        return -1;
      }
    } else if (strcmp(argv[i], "total=on") == 0) {
      g_total = true;
    } else {
      fprintf(stderr, "insn_count_plugin: unknown argument '%s' (out=<file>, total=on)\n", argv[i]);
      return -1;
    }
  }
  qemu_plugin_register_vcpu_tb_trans_cb(id, on_tb_trans);
  qemu_plugin_register_atexit_cb(id, plugin_exit, NULL);
  return 0;
}
