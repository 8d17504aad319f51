/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-retry.c: chunk arithmetic and FmRetryPolicy, with a fake clock */
#include <gio/gio.h>

#include "fm-chunk-plan.h"
#include "fm-error.h"
#include "fm-retry-policy.h"

static void
test_chunk_count (void)
{
  /* "Math.Ceiling(FileSize/ChunkSize)" and "when uploaded file is empty
   * (size = 0 bytes) provide value 1 as the number of chunks" */
  g_assert_cmpint (fm_chunk_plan_count (0, 5000000), ==, 1);
  g_assert_cmpint (fm_chunk_plan_count (1, 5000000), ==, 1);
  g_assert_cmpint (fm_chunk_plan_count (5000000, 5000000), ==, 1);
  g_assert_cmpint (fm_chunk_plan_count (5000001, 5000000), ==, 2);
  /* the reference's example: 13 chunks of 10000000 */
  g_assert_cmpint (fm_chunk_plan_count (125000000, 10000000), ==, 13);
  /* 6 GiB: 64-bit all the way */
  g_assert_cmpint (fm_chunk_plan_count (G_GINT64_CONSTANT (6) << 30, 8388608), ==, 768);
  g_assert_cmpint (fm_chunk_plan_count (G_GINT64_CONSTANT (1) << 40, 50000000), ==, 21991);
}

static void
test_chunk_range (void)
{
  gint64 offset, length;

  /* "first chunk is 1MB and the second is 700kB" */
  fm_chunk_plan_range (1700000, 1000000, 1, &offset, &length);
  g_assert_cmpint (offset, ==, 1000000);
  g_assert_cmpint (length, ==, 700000);
  fm_chunk_plan_range (0, 5000000, 0, &offset, &length);
  g_assert_cmpint (length, ==, 0);
  fm_chunk_plan_range (G_GINT64_CONSTANT (6) << 30, 8388608, 767, &offset, &length);
  g_assert_cmpint (offset, ==, G_GINT64_CONSTANT (767) * 8388608);
  g_assert_cmpint (offset + length, ==, G_GINT64_CONSTANT (6) << 30);
}

static void
test_chunk_set (void)
{
  g_autoptr(FmChunkSet) set = fm_chunk_set_new (20);
  g_autofree char *text = NULL;
  g_autoptr(FmChunkSet) back = NULL;

  for (int i = 0; i <= 12; i++)
    fm_chunk_set_add (set, i);
  fm_chunk_set_add (set, 15);
  fm_chunk_set_add (set, 19);
  fm_chunk_set_add (set, 15);
  g_assert_cmpint (fm_chunk_set_count (set), ==, 15);
  text = fm_chunk_set_to_string (set);
  g_assert_cmpstr (text, ==, "0-12,15,19");
  back = fm_chunk_set_new_parse (20, text);
  g_assert_nonnull (back);
  g_assert_cmpint (fm_chunk_set_count (back), ==, 15);
  g_assert_true (fm_chunk_set_contains (back, 12));
  g_assert_false (fm_chunk_set_contains (back, 13));

  /* damaged text must not make chunks count as sent */
  g_assert_null (fm_chunk_set_new_parse (20, "0-20"));
  g_assert_null (fm_chunk_set_new_parse (20, "5-3"));
  g_assert_null (fm_chunk_set_new_parse (20, "x"));
  g_assert_null (fm_chunk_set_new_parse (20, "1,,2"));
  g_assert_null (fm_chunk_set_new_parse (20, "-1"));
  g_clear_pointer (&back, fm_chunk_set_free);
  back = fm_chunk_set_new_parse (20, "");
  g_assert_cmpint (fm_chunk_set_count (back), ==, 0);
}

static void
test_classify (void)
{
  g_autoptr(GError) network = g_error_new_literal (FM_ERROR, FM_ERROR_NETWORK, "x");
  g_autoptr(GError) reset = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED, "x");
  g_autoptr(GError) timeout = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "x");
  g_autoptr(GError) expired = g_error_new_literal (FM_ERROR, FM_ERROR_TRANSFER_EXPIRED, "x");
  g_autoptr(GError) state = g_error_new_literal (FM_ERROR, FM_ERROR_INVALID_TRANSFER_STATE, "x");
  g_autoptr(GError) cancelled = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "x");
  guint transient[] = { 406, 408, 429, 449, 500, 502, 503, 504 };
  guint permanent[] = { 400, 401, 403, 404, 405, 410, 413 };

  for (gsize i = 0; i < G_N_ELEMENTS (transient); i++)
    g_assert_cmpint (fm_retry_policy_classify (transient[i], NULL), ==, FM_RETRY_TRANSIENT);
  for (gsize i = 0; i < G_N_ELEMENTS (permanent); i++)
    g_assert_cmpint (fm_retry_policy_classify (permanent[i], NULL), ==, FM_RETRY_PERMANENT);
  g_assert_cmpint (fm_retry_policy_classify (0, network), ==, FM_RETRY_TRANSIENT);
  g_assert_cmpint (fm_retry_policy_classify (0, reset), ==, FM_RETRY_TRANSIENT);
  g_assert_cmpint (fm_retry_policy_classify (0, timeout), ==, FM_RETRY_TRANSIENT);
  g_assert_cmpint (fm_retry_policy_classify (0, expired), ==, FM_RETRY_PERMANENT);
  g_assert_cmpint (fm_retry_policy_classify (0, state), ==, FM_RETRY_PERMANENT);
  g_assert_cmpint (fm_retry_policy_classify (0, cancelled), ==, FM_RETRY_PERMANENT);
}

static gint64
fake_clock (gpointer data)
{
  return *(gint64 *) data;
}

static void
test_backoff (void)
{
  g_autoptr(FmRetryPolicy) policy = g_object_new (FM_TYPE_RETRY_POLICY, "max-attempts", 6,
                                                  "base-delay-ms", 100, "max-delay-ms", 1000, NULL);
  gint64 now = 1000000;
  FmRetryState state = { 0 };
  gint64 caps[] = { 100, 200, 400, 800, 1000 };

  fm_retry_policy_set_clock (policy, fake_clock, &now);
  fm_retry_policy_set_seed (policy, 42);
  for (gsize i = 0; i < G_N_ELEMENTS (caps); i++)
    {
      guint wait;

      g_assert_cmpint (fm_retry_policy_backoff_cap (policy, (guint) i + 1), ==, caps[i] * 1000);
      g_assert_true (fm_retry_policy_record_failure (policy, &state));
      wait = fm_retry_policy_wait_ms (policy, &state);
      g_assert_cmpuint (wait, <=, caps[i]);
      /* time passes on the fake clock only */
      now += (gint64) wait * 1000;
      g_assert_cmpuint (fm_retry_policy_wait_ms (policy, &state), ==, 0);
    }
  /* the sixth failure spends the last attempt */
  g_assert_false (fm_retry_policy_record_failure (policy, &state));
  g_assert_cmpuint (state.attempts, ==, 6);
}

/* Full jitter: waits spread over [0, cap], not bunched at the cap. */
static void
test_jitter_spreads (void)
{
  g_autoptr(FmRetryPolicy) policy = g_object_new (FM_TYPE_RETRY_POLICY, "max-attempts", 1000,
                                                  "base-delay-ms", 1000, "max-delay-ms", 1000, NULL);
  gint64 now = 0;
  guint below_half = 0, n = 400;

  fm_retry_policy_set_clock (policy, fake_clock, &now);
  fm_retry_policy_set_seed (policy, 7);
  for (guint i = 0; i < n; i++)
    {
      FmRetryState state = { 0 };

      fm_retry_policy_record_failure (policy, &state);
      below_half += fm_retry_policy_wait_ms (policy, &state) < 500;
    }
  g_assert_cmpuint (below_half, >, n / 4);
  g_assert_cmpuint (below_half, <, 3 * n / 4);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/chunk/count", test_chunk_count);
  g_test_add_func ("/chunk/range", test_chunk_range);
  g_test_add_func ("/chunk/set", test_chunk_set);
  g_test_add_func ("/retry/classify", test_classify);
  g_test_add_func ("/retry/backoff", test_backoff);
  g_test_add_func ("/retry/jitter-spreads", test_jitter_spreads);
  return g_test_run ();
}
