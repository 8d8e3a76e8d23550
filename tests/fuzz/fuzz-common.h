/* fuzz-common.h — shared set-up of the libFuzzer harnesses
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* A g_warning or g_critical on hostile input is a bug (a failed
 * precondition or a broken invariant), so it must stop the fuzzer like a
 * crash would; debug and info messages are only noise at millions of runs. */
static GLogWriterOutput
healer_fuzz_log_writer (GLogLevelFlags   log_level,
                        const GLogField *fields,
                        gsize            n_fields,
                        gpointer         user_data)
{
  if (log_level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    {
      g_log_writer_standard_streams (log_level, fields, n_fields, user_data);
      abort ();
    }
  return G_LOG_WRITER_HANDLED;
}

static inline void
healer_fuzz_init_logging (void)
{
  g_log_set_writer_func (healer_fuzz_log_writer, NULL, NULL);
}
