/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-limited-stream.h: a chunk's bytes, read no faster than a limit
 *
 * The body of an upload request when a speed limit is set: libsoup reads
 * it with read_async, and each read completes when the shared
 * FmRateLimiter lets its bytes go. Without a limit it reads at once.
 */
#pragma once

#include <gio/gio.h>

#include "fm-rate-limiter.h"

G_BEGIN_DECLS

#define FM_TYPE_LIMITED_STREAM (fm_limited_stream_get_type ())
G_DECLARE_FINAL_TYPE (FmLimitedStream, fm_limited_stream, FM, LIMITED_STREAM, GInputStream)

GInputStream *fm_limited_stream_new (GBytes        *bytes,
                                     FmRateLimiter *limiter);

G_END_DECLS
