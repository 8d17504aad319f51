/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-limited-stream.h: a chunk's bytes, from its file, no faster than a
 * limit
 *
 * The body of an upload request: the region of the file that was hashed
 * just before (fm-chunk-io.c), read again with pread as libsoup asks for
 * it, 8 KiB at a time, from the page cache (one pread of 256 KiB serves 32
 * of them). No chunk-sized buffer exists,
 * whatever the chunk size. Each read completes when the shared
 * FmRateLimiter lets its bytes go (at once without a limit). A file that
 * got shorter meanwhile is FM_ERROR_FILE_CHANGED; one that changed in
 * place fails the server's MD5 check (449) and the chunk is hashed again.
 */
#pragma once

#include <gio/gio.h>

#include "fm-rate-limiter.h"

G_BEGIN_DECLS

#define FM_TYPE_LIMITED_STREAM (fm_limited_stream_get_type ())
G_DECLARE_FINAL_TYPE (FmLimitedStream, fm_limited_stream, FM, LIMITED_STREAM, GInputStream)

typedef void (*FmLimitedStreamFunc) (gsize n_bytes, gpointer data);

void          fm_limited_stream_set_progress_func (FmLimitedStream     *self,
                                                   FmLimitedStreamFunc  func,
                                                   gpointer             data);
GInputStream *fm_limited_stream_new (const char    *path,
                                     gint64         offset,
                                     gint64         length,
                                     GBytes        *slot,
                                     FmRateLimiter *limiter);

G_END_DECLS
