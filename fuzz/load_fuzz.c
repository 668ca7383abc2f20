/*
 * load_fuzz.c — libFuzzer harness for the first two stages: any bytes as a
 * YAML document, through the loader, the XSD and the rules.  Build and run:
 *   make fuzz            (clang, -fsanitize=fuzzer,address,undefined)
 *   build/fuzz/load_fuzz -max_total_time=60 fuzz/corpus
 * Nothing may crash, hang, leak or read out of bounds.
 */
#include "load/load.h"
#include "validate/validate.h"

#include <libxml/parser.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool ready;
    if (!ready) {
        xmlInitParser();
        ready = true;
    }
    kk_diag *d = kk_diag_new(KK_DIAG_COLLECT, stderr);
    const kk_schema *s = kk_schema_builtin(KK_SCHEMA_DOCUMENT, d);
    kk_source *src = s ? kk_source_load_buffer("fuzz.yaml", (const char *)data, size, NULL, s, d) : NULL;
    if (src)
        kk_validate_document(s, src, "/nonexistent", d);
    kk_source_free(src);
    kk_diag_free(d);
    return 0;
}
