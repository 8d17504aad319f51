/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-rate-limiter.c: a speed limit shared by every transfer of a client */
#define G_LOG_DOMAIN "fm-rate-limiter"

#include <errno.h>
#include <stdlib.h>

#include "fm-rate-limiter.h"

#define BURST_S       0.1
#define BURST_MIN     (64 * 1024)

struct _FmRateLimiter
{
  GObject parent_instance;

  GMutex  lock;         /* downloads and uploads may reserve from workers */
  guint64 rate;         /* bytes per second; 0: unlimited */
  double  tokens;       /* may go below zero: the debt later readers wait off */
  gint64  last_us;
};

enum { PROP_0, PROP_RATE, N_PROPS };
static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (FmRateLimiter, fm_rate_limiter, G_TYPE_OBJECT)

static double
burst (FmRateLimiter *self)
{
  return MAX ((double) self->rate * BURST_S, (double) BURST_MIN);
}

static void
refill (FmRateLimiter *self,
        gint64         now)
{
  self->tokens = MIN (burst (self), self->tokens + (double) self->rate * (double) (now - self->last_us) / 1e6);
  self->last_us = now;
}

/* Takes @n_bytes from the bucket; returns how many microseconds the caller
 * waits before moving them (0: at once). */
gint64
fm_rate_limiter_reserve (FmRateLimiter *self,
                         gsize          n_bytes)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  if (self->rate == 0)
    return 0;
  refill (self, g_get_monotonic_time ());
  self->tokens -= (double) n_bytes;
  if (self->tokens >= 0)
    return 0;
  return (gint64) (-self->tokens / (double) self->rate * 1e6);
}

void
fm_rate_limiter_set_rate (FmRateLimiter *self,
                          guint64        bytes_per_second)
{
  g_return_if_fail (FM_IS_RATE_LIMITER (self));
  g_mutex_lock (&self->lock);
  if (self->rate == bytes_per_second)
    {
      g_mutex_unlock (&self->lock);
      return;
    }
  self->rate = bytes_per_second;
  /* a new limit starts now, with neither credit nor debt from the old */
  self->tokens = 0;
  self->last_us = g_get_monotonic_time ();
  g_mutex_unlock (&self->lock);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RATE]);
}

guint64
fm_rate_limiter_get_rate (FmRateLimiter *self)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  return self->rate;
}

/* "5M", "500k", "1.5MB", "2000000": bytes per second, in the decimal
 * units the app shows (k = 1000); "0" is no limit. */
gboolean
fm_rate_parse (const char *text,
               guint64    *bytes_per_second)
{
  const char *end;
  g_autofree char *number = NULL;
  double value;
  double unit = 1;

  /* decimal digits with at most one point, and nothing else: no sign,
   * no space, no "nan" or "inf", no hex ("0x10"), no exponent ("1e9") */
  if (text == NULL || !(g_ascii_isdigit (*text) || (*text == '.' && g_ascii_isdigit (text[1]))))
    return FALSE;
  for (end = text; g_ascii_isdigit (*end); end++)
    ;
  if (*end == '.')
    {
      if (!g_ascii_isdigit (end[1]))
        return FALSE;
      for (end++; g_ascii_isdigit (*end); end++)
        ;
    }
  if (end - text > 32)
    return FALSE;
  number = g_strndup (text, (gsize) (end - text));
  value = g_ascii_strtod (number, NULL);
  switch (g_ascii_tolower (*end))
    {
    case 'k': unit = 1e3; end++; break;
    case 'm': unit = 1e6; end++; break;
    case 'g': unit = 1e9; end++; break;
    default: break;
    }
  if (g_ascii_tolower (*end) == 'b')
    end++;
  if (*end == '/' && g_ascii_tolower (end[1]) == 's')
    end += 2;
  if (*end != '\0' || value * unit > 1e12)
    return FALSE;
  *bytes_per_second = (guint64) (value * unit + 0.5);
  return TRUE;
}

static void
fm_rate_limiter_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  FmRateLimiter *self = FM_RATE_LIMITER (object);

  switch (prop_id)
    {
    case PROP_RATE: g_value_set_uint64 (value, fm_rate_limiter_get_rate (self)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fm_rate_limiter_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  FmRateLimiter *self = FM_RATE_LIMITER (object);

  switch (prop_id)
    {
    case PROP_RATE: fm_rate_limiter_set_rate (self, g_value_get_uint64 (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fm_rate_limiter_finalize (GObject *object)
{
  g_mutex_clear (&FM_RATE_LIMITER (object)->lock);
  G_OBJECT_CLASS (fm_rate_limiter_parent_class)->finalize (object);
}

static void
fm_rate_limiter_class_init (FmRateLimiterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = fm_rate_limiter_finalize;
  object_class->get_property = fm_rate_limiter_get_property;
  object_class->set_property = fm_rate_limiter_set_property;
  properties[PROP_RATE] = g_param_spec_uint64 ("rate", NULL, NULL, 0, G_MAXUINT64, 0,
                                               G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                                               G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fm_rate_limiter_init (FmRateLimiter *self)
{
  g_mutex_init (&self->lock);
  self->last_us = g_get_monotonic_time ();
}

FmRateLimiter *
fm_rate_limiter_new (void)
{
  return g_object_new (FM_TYPE_RATE_LIMITER, NULL);
}
