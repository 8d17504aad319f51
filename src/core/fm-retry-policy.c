/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-retry-policy.c: which upload failures are worth another try, and when */
#define G_LOG_DOMAIN "fm-retry-policy"

#include <gio/gio.h>

#include "fm-error.h"
#include "fm-retry-policy.h"

struct _FmRetryPolicy
{
  GObject      parent_instance;

  guint        max_attempts;
  gint64       base_delay_us;
  gint64       max_delay_us;
  FmClockFunc  clock;
  gpointer     clock_data;
  GRand       *rand;
};

G_DEFINE_FINAL_TYPE (FmRetryPolicy, fm_retry_policy, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_MAX_ATTEMPTS,
  PROP_BASE_DELAY_MS,
  PROP_MAX_DELAY_MS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gint64
monotonic_clock (gpointer user_data)
{
  return g_get_monotonic_time ();
}

static void
fm_retry_policy_finalize (GObject *object)
{
  FmRetryPolicy *self = FM_RETRY_POLICY (object);

  g_rand_free (self->rand);
  G_OBJECT_CLASS (fm_retry_policy_parent_class)->finalize (object);
}

static void
fm_retry_policy_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  FmRetryPolicy *self = FM_RETRY_POLICY (object);

  switch (prop_id)
    {
    case PROP_MAX_ATTEMPTS: g_value_set_uint (value, self->max_attempts); break;
    case PROP_BASE_DELAY_MS: g_value_set_uint (value, (guint) (self->base_delay_us / 1000)); break;
    case PROP_MAX_DELAY_MS: g_value_set_uint (value, (guint) (self->max_delay_us / 1000)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fm_retry_policy_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  FmRetryPolicy *self = FM_RETRY_POLICY (object);

  switch (prop_id)
    {
    case PROP_MAX_ATTEMPTS: self->max_attempts = g_value_get_uint (value); break;
    case PROP_BASE_DELAY_MS: self->base_delay_us = g_value_get_uint (value) * G_GINT64_CONSTANT (1000); break;
    case PROP_MAX_DELAY_MS: self->max_delay_us = g_value_get_uint (value) * G_GINT64_CONSTANT (1000); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fm_retry_policy_class_init (FmRetryPolicyClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = fm_retry_policy_finalize;
  object_class->get_property = fm_retry_policy_get_property;
  object_class->set_property = fm_retry_policy_set_property;

  /* Ten attempts with a 30 s cap ride out a few minutes of trouble per
   * chunk; an outage the network monitor sees costs no attempts at all. */
  properties[PROP_MAX_ATTEMPTS] =
    g_param_spec_uint ("max-attempts", NULL, NULL, 1, 1000, 10,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);
  properties[PROP_BASE_DELAY_MS] =
    g_param_spec_uint ("base-delay-ms", NULL, NULL, 0, 600000, 500,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX_DELAY_MS] =
    g_param_spec_uint ("max-delay-ms", NULL, NULL, 0, 3600000, 30000,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fm_retry_policy_init (FmRetryPolicy *self)
{
  self->clock = monotonic_clock;
  self->rand = g_rand_new ();
}

FmRetryPolicy *
fm_retry_policy_new (void)
{
  const char *env = g_getenv ("FILEMAIL_RETRY");
  g_auto(GStrv) parts = env != NULL ? g_strsplit (env, ",", 3) : NULL;
  guint64 v[3];

  /* FILEMAIL_RETRY=ATTEMPTS,BASE_MS,MAX_MS: scripts and tests that want a
   * dead server to fail fast */
  if (parts != NULL && g_strv_length (parts) == 3 &&
      g_ascii_string_to_unsigned (parts[0], 10, 1, 1000, &v[0], NULL) &&
      g_ascii_string_to_unsigned (parts[1], 10, 0, 600000, &v[1], NULL) &&
      g_ascii_string_to_unsigned (parts[2], 10, 0, 3600000, &v[2], NULL))
    return g_object_new (FM_TYPE_RETRY_POLICY, "max-attempts", (guint) v[0], "base-delay-ms", (guint) v[1],
                         "max-delay-ms", (guint) v[2], NULL);
  return g_object_new (FM_TYPE_RETRY_POLICY, NULL);
}

/* Tests drive time by hand. */
void
fm_retry_policy_set_clock (FmRetryPolicy *self,
                           FmClockFunc    clock,
                           gpointer       user_data)
{
  self->clock = clock != NULL ? clock : monotonic_clock;
  self->clock_data = user_data;
}

void
fm_retry_policy_set_seed (FmRetryPolicy *self,
                          guint32        seed)
{
  g_rand_set_seed (self->rand, seed);
}

guint
fm_retry_policy_get_max_attempts (FmRetryPolicy *self)
{
  return self->max_attempts;
}

FmRetryClass
fm_retry_policy_classify (guint         http_status,
                          const GError *error)
{
  if (error != NULL)
    {
      if (error->domain == FM_ERROR)
        return error->code == FM_ERROR_NETWORK || error->code == FM_ERROR_SERVICE_INTERRUPTION ||
               error->code == FM_ERROR_ALL_FILESERVERS_BUSY || error->code == FM_ERROR_TIMED_OUT ||
               error->code == FM_ERROR_SERVER_UNAVAILABLE || error->code == FM_ERROR_NOT_FILEMAIL ||
               error->code == FM_ERROR_UPLOAD_RECENTLY_UPDATED
               ? FM_RETRY_TRANSIENT : FM_RETRY_PERMANENT;
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return FM_RETRY_PERMANENT;
      /* a certificate does not get better by asking again */
      if (error->domain == G_TLS_ERROR)
        return FM_RETRY_PERMANENT;
      /* I/O, resolver, TLS and socket errors: the network, not the request */
      return FM_RETRY_TRANSIENT;
    }
  switch (http_status)
    {
    case 406: case 408: case 429: case 449:
      return FM_RETRY_TRANSIENT;
    default:
      return http_status >= 500 && http_status <= 599 ? FM_RETRY_TRANSIENT : FM_RETRY_PERMANENT;
    }
}

/* The upper bound of the wait before attempt @attempt (1-based retries):
 * base × 2^(attempt-1), capped. */
gint64
fm_retry_policy_backoff_cap (FmRetryPolicy *self,
                             guint          attempt)
{
  gint64 cap = self->base_delay_us;

  for (guint i = 1; i < attempt && cap < self->max_delay_us; i++)
    cap *= 2;
  return MIN (cap, self->max_delay_us);
}

/* Spends one attempt; returns FALSE when none is left. Otherwise sets when
 * the next one may start: a uniformly random point below the cap. */
gboolean
fm_retry_policy_record_failure (FmRetryPolicy *self,
                                FmRetryState  *state)
{
  gint64 cap;

  state->attempts++;
  if (state->attempts >= self->max_attempts)
    return FALSE;
  cap = fm_retry_policy_backoff_cap (self, state->attempts);
  state->not_before = self->clock (self->clock_data) +
                      (cap > 0 ? (gint64) (g_rand_double (self->rand) * (double) cap) : 0);
  return TRUE;
}

guint
fm_retry_policy_wait_ms (FmRetryPolicy      *self,
                         const FmRetryState *state)
{
  gint64 left = state->not_before - self->clock (self->clock_data);

  return left > 0 ? (guint) ((left + 999) / 1000) : 0;
}
