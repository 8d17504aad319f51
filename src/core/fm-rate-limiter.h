/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-rate-limiter.h: a speed limit shared by every transfer of a client
 *
 * A token bucket: bytes may go at the set rate, with a burst of a tenth
 * of a second. Every reader of a limited stream reserves what it is about
 * to move and waits the time it is told, so four parallel chunks and two
 * downloads share one limit. The rate changes live: a reservation made
 * after the change is paced by the new rate. 0 means no limit.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define FM_TYPE_RATE_LIMITER (fm_rate_limiter_get_type ())
G_DECLARE_FINAL_TYPE (FmRateLimiter, fm_rate_limiter, FM, RATE_LIMITER, GObject)

FmRateLimiter *fm_rate_limiter_new      (void);
void           fm_rate_limiter_set_rate (FmRateLimiter *self,
                                         guint64        bytes_per_second);
guint64        fm_rate_limiter_get_rate (FmRateLimiter *self);
gint64         fm_rate_limiter_reserve  (FmRateLimiter *self,
                                         gsize          n_bytes);

gboolean       fm_rate_parse            (const char    *text,
                                         guint64       *bytes_per_second);

G_END_DECLS
