/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-chunk-answer.c: libFuzzer target for the chunk sender's answer
 * parser, the hand-written HTTP/1.1 reader everything an upload host sends
 * back goes through (interim answers, heads, Content-Length, chunked,
 * to-the-end bodies). Built and replayed like fuzz-response.c.
 */
#include <stdint.h>

#include "fm-chunk-sender.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  guint status = 0;
  gboolean keep = FALSE;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = fm_chunk_answer_parse (data, size, 64 * 1024, &status, &keep, &error);

  /* an answer or an error, never both, never neither */
  if ((body == NULL) == (error == NULL))
    __builtin_trap ();
  if (body != NULL && g_bytes_get_size (body) > 64 * 1024)
    __builtin_trap ();
  return 0;
}
