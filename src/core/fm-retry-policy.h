/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-retry-policy.h: which upload failures are worth another try, and when
 *
 * Transient: network errors, timeouts, HTTP 406 and 449 (the reference:
 * "In case the server returns 406 or 449 HTTP status - retry the request";
 * 449 also means the MD5 did not match, so the chunk is read and hashed
 * again), 408, 429 and 5xx. Everything else is permanent. Delays grow
 * exponentially with full jitter (a random wait between 0 and the cap), so
 * many clients hit by the same outage do not come back in lockstep.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum {
  FM_RETRY_PERMANENT,
  FM_RETRY_TRANSIENT,
} FmRetryClass;

/* Per chunk: attempts spent and the earliest time of the next one. */
typedef struct {
  guint  attempts;
  gint64 not_before;   /* in the policy's clock, microseconds */
} FmRetryState;

typedef gint64 (*FmClockFunc) (gpointer user_data);

#define FM_TYPE_RETRY_POLICY (fm_retry_policy_get_type ())
G_DECLARE_FINAL_TYPE (FmRetryPolicy, fm_retry_policy, FM, RETRY_POLICY, GObject)

FmRetryPolicy *fm_retry_policy_new          (void);
void           fm_retry_policy_set_clock    (FmRetryPolicy      *self,
                                             FmClockFunc         clock,
                                             gpointer            user_data);
void           fm_retry_policy_set_seed     (FmRetryPolicy      *self,
                                             guint32             seed);
guint          fm_retry_policy_get_max_attempts (FmRetryPolicy  *self);
FmRetryClass   fm_retry_policy_classify     (guint               http_status,
                                             const GError       *error);
gint64         fm_retry_policy_backoff_cap  (FmRetryPolicy      *self,
                                             guint               attempt);
gboolean       fm_retry_policy_record_failure (FmRetryPolicy    *self,
                                             FmRetryState       *state);
guint          fm_retry_policy_wait_ms      (FmRetryPolicy      *self,
                                             const FmRetryState *state);

G_END_DECLS
