/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-format.c: numbers and server text as people read them */
#include "fm-format.h"
#include "fm-rate-limiter.h"
#include "fm-transfer-options.h"

static void
check_display (const char *in, const char *expected)
{
  g_autofree char *out = fm_format_display_text (in);

  g_assert_cmpstr (out, ==, expected);
}

/* A server's names and subjects are shown on one line, whatever they hold. */
static void
test_display_text (void)
{
  check_display ("Holiday photos", "Holiday photos");
  check_display ("line\nbreak.txt", "line break.txt");
  check_display ("tab\there\r", "tab here ");
  check_display ("\x01\x7f", "\xEF\xBF\xBD\xEF\xBF\xBD");
  check_display ("caf\xE9", "caf\xEF\xBF\xBD");           /* Latin-1, not UTF-8 */
  check_display ("Årsrapport", "Årsrapport");
  check_display (NULL, "");
  /* bidi controls are shown, never obeyed; a line separator is a space */
  check_display ("invoice\u202Efdp.exe", "invoice[U+202E]fdp.exe");
  check_display ("a\u2028b", "a b");
}

/* Recipients: addresses, or (logged in) one contact group's name. */
static void
test_recipients (void)
{
  g_autofree char *bad = NULL;

  g_assert_true (fm_recipients_is_group ("Designers"));
  g_assert_false (fm_recipients_is_group ("two words"));
  g_assert_false (fm_recipients_is_group ("a@b.no"));
  g_assert_false (fm_recipients_is_group ("a,b"));
  g_assert_true (fm_recipients_validate ("Designers", TRUE, NULL));
  g_assert_false (fm_recipients_validate ("Designers", FALSE, &bad));
  g_assert_cmpstr (bad, ==, "Designers");
  g_assert_true (fm_recipients_validate ("a@b.no, c@d.no", TRUE, NULL));
}

/* What nobody said is NULL, never a guess. */
static void
test_size_and_people (void)
{
  const char *none[] = { NULL };
  const char *one[] = { "bob@example.com", NULL };
  const char *three[] = { "bob@example.com", "carol@example.com", "dan@example.com", NULL };
  g_autofree char *unknown = fm_format_size (-1);
  g_autofree char *zero = fm_format_size (0);
  g_autofree char *nobody = fm_format_recipients (none);
  g_autofree char *bob = fm_format_recipients (one);
  g_autofree char *group = fm_format_recipients (three);

  g_assert_null (unknown);
  g_assert_cmpstr (zero, ==, "0 bytes");   /* a size the server gave as 0 is one */
  g_assert_null (nobody);
  g_assert_cmpstr (bob, ==, "bob@example.com");
  g_assert_cmpstr (group, ==, "bob@example.com and 2 others");
}

static void
test_progress_and_duration (void)
{
  g_autofree char *start = fm_format_progress (0, 1000000, 0, -1);
  g_autofree char *running = fm_format_progress (500000, 1000000, 250000, 2);
  g_autofree char *minutes = fm_format_duration (150);
  g_autofree char *hours = fm_format_duration (3 * 3600 + 5 * 60);

  /* g_format_size() keeps number and unit together with a no-break space */
  g_assert_cmpstr (start, ==, "0 bytes of 1.0\u00a0MB");
  g_assert_cmpstr (running, ==, "500.0\u00a0kB of 1.0\u00a0MB · 250.0\u00a0kB/s · 2 s left");
  g_assert_cmpstr (minutes, ==, "3 min");
  {
    /* a file whose size the server did not give */
    g_autofree char *unknown = fm_format_progress (500000, -1, 0, -1);
    g_assert_cmpstr (unknown, ==, "500.0\u00a0kB of an unknown size");
  }
  g_assert_cmpstr (hours, ==, "3 h 05 min");
}

static void
test_email (void)
{
  g_autofree char *bad = NULL;

  g_assert_true (fm_email_is_valid ("anna@example.com"));
  g_assert_false (fm_email_is_valid ("anna@example"));
  g_assert_false (fm_email_is_valid ("anna example.com"));
  g_assert_true (fm_email_list_validate ("a@example.com, b@example.org", NULL));
  g_assert_false (fm_email_list_validate ("a@example.com, nope", &bad));
  g_assert_cmpstr (bad, ==, "nope");
}

/* The one home of the form's rules (CLI send/update, the Send page, the
 * Edit dialog): each broken rule is its own code and a sentence. */
static void
test_transfer_options (void)
{
  g_autoptr(FmTransferOptions) options = fm_transfer_options_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *long_subject = g_strnfill (FM_SUBJECT_MAX_CHARS, 'x');
  g_autofree char *too_long = g_strnfill (FM_SUBJECT_MAX_CHARS + 1, 'x');
  /* 200 characters of "ø" is 400 bytes: characters count, not bytes */
  GString *wide = g_string_new (NULL);

  for (int i = 0; i < FM_SUBJECT_MAX_CHARS; i++)
    g_string_append (wide, "ø");
  g_assert_true (fm_transfer_options_validate (options, FALSE, &error));   /* a link only */
  options->to = g_strdup ("bob@example.com, carol@example.com");
  options->from = g_strdup ("");
  options->subject = g_strdup (long_subject);
  options->days = FM_TRANSFER_DAYS_MAX;
  g_assert_true (fm_transfer_options_validate (options, FALSE, &error));
  g_assert_true (fm_transfer_check_subject (wide->str, NULL));
  g_string_append (wide, "ø");
  g_assert_false (fm_transfer_check_subject (wide->str, NULL));
  g_string_free (wide, TRUE);

  g_free (options->to);
  options->to = g_strdup ("bob@example.com, nope");
  g_assert_false (fm_transfer_options_validate (options, TRUE, &error));
  g_assert_error (error, FM_OPTIONS_ERROR, FM_OPTIONS_ERROR_TO);
  g_assert_nonnull (strstr (error->message, "“nope”"));
  g_clear_error (&error);

  g_free (options->to);
  options->to = g_strdup ("Designers");
  g_assert_false (fm_transfer_options_validate (options, FALSE, &error));
  g_assert_error (error, FM_OPTIONS_ERROR, FM_OPTIONS_ERROR_GROUP_NEEDS_LOGIN);
  g_clear_error (&error);
  g_assert_true (fm_transfer_options_validate (options, TRUE, &error));   /* a contact group */

  g_free (options->from);
  options->from = g_strdup ("me@");
  g_assert_false (fm_transfer_options_validate (options, TRUE, &error));
  g_assert_error (error, FM_OPTIONS_ERROR, FM_OPTIONS_ERROR_FROM);
  g_clear_error (&error);
  g_clear_pointer (&options->from, g_free);

  g_free (options->subject);
  options->subject = g_strdup (too_long);
  g_assert_false (fm_transfer_options_validate (options, TRUE, &error));
  g_assert_error (error, FM_OPTIONS_ERROR, FM_OPTIONS_ERROR_SUBJECT);
  g_clear_error (&error);
  g_clear_pointer (&options->subject, g_free);

  options->days = FM_TRANSFER_DAYS_MAX + 1;
  g_assert_false (fm_transfer_options_validate (options, TRUE, &error));
  g_assert_error (error, FM_OPTIONS_ERROR, FM_OPTIONS_ERROR_DAYS);
  g_clear_error (&error);
  options->days = -1;
  g_assert_false (fm_transfer_check_days (options->days, NULL));
}

/* --limit-rate and the limiter under it */
static void
test_rate (void)
{
  g_autoptr(FmRateLimiter) limit = fm_rate_limiter_new ();
  guint64 rate = 0;
  gint64 wait;

  g_assert_true (fm_rate_parse ("5M", &rate));
  g_assert_cmpuint (rate, ==, 5000000);
  g_assert_true (fm_rate_parse ("500k", &rate));
  g_assert_cmpuint (rate, ==, 500000);
  g_assert_true (fm_rate_parse ("1.5MB/s", &rate));
  g_assert_cmpuint (rate, ==, 1500000);
  g_assert_true (fm_rate_parse ("2000000", &rate));
  g_assert_cmpuint (rate, ==, 2000000);
  g_assert_true (fm_rate_parse ("0", &rate));
  g_assert_cmpuint (rate, ==, 0);
  g_assert_false (fm_rate_parse ("", &rate));
  g_assert_false (fm_rate_parse ("-5M", &rate));
  g_assert_false (fm_rate_parse ("5Q", &rate));
  g_assert_false (fm_rate_parse ("5 M", &rate));
  g_assert_false (fm_rate_parse (" 5M", &rate));
  g_assert_false (fm_rate_parse ("1e30", &rate));
  g_assert_false (fm_rate_parse ("nan", &rate));
  g_assert_false (fm_rate_parse (NULL, &rate));
  /* g_ascii_strtod alone takes these: a typo must not become a speed */
  g_assert_false (fm_rate_parse ("0x10", &rate));
  g_assert_false (fm_rate_parse ("1e9", &rate));
  g_assert_false (fm_rate_parse ("1E3k", &rate));
  g_assert_false (fm_rate_parse ("5.", &rate));
  g_assert_false (fm_rate_parse ("1.2.3", &rate));
  g_assert_true (fm_rate_parse (".5M", &rate));
  g_assert_cmpuint (rate, ==, 500000);

  /* no limit: never a wait */
  g_assert_cmpint (fm_rate_limiter_reserve (limit, 1 << 30), ==, 0);
  /* 1 MB/s: 2 MB take about two seconds, whoever asks */
  fm_rate_limiter_set_rate (limit, 1000000);
  wait = fm_rate_limiter_reserve (limit, 1000000);
  wait = fm_rate_limiter_reserve (limit, 1000000);
  g_assert_cmpint (wait, >=, 1900000);
  g_assert_cmpint (wait, <=, 2100000);
  /* a new rate starts clean: no debt from the old one */
  fm_rate_limiter_set_rate (limit, 10000000);
  wait = fm_rate_limiter_reserve (limit, 1000000);
  g_assert_cmpint (wait, >=, 90000);
  g_assert_cmpint (wait, <=, 110000);
  fm_rate_limiter_set_rate (limit, 0);
  g_assert_cmpint (fm_rate_limiter_reserve (limit, 1000000), ==, 0);
}

/* Dates in lists as people say them (issue: "12/03/26" is ambiguous). */
static void
test_list_dates (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_local (2026, 12, 3, 14, 30, 0);
  gint64 n = g_date_time_to_unix (now);
  struct { int y, m, d, h, min; const char *want; } cases[] = {
    { 2026, 12, 3, 7, 16, "Today 07:16" },
    { 2026, 12, 3, 0, 0, "Today 00:00" },
    { 2026, 12, 2, 23, 59, "Yesterday 23:59" },
    { 2026, 12, 2, 0, 1, "Yesterday 00:01" },
    { 2026, 12, 1, 12, 0, "1 Dec" },
    { 2026, 1, 15, 9, 0, "15 Jan" },
    { 2025, 12, 3, 9, 0, "3 Dec 2025" },
    { 2027, 1, 1, 9, 0, "1 Jan 2027" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GDateTime) when = g_date_time_new_local (cases[i].y, cases[i].m, cases[i].d, cases[i].h,
                                                         cases[i].min, 0);
      g_autofree char *text = fm_format_list_date (g_date_time_to_unix (when), n);

      g_assert_cmpstr (text, ==, cases[i].want);
    }
  g_assert_null (fm_format_list_date (0, n));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/format/display-text", test_display_text);
  g_test_add_func ("/format/progress-and-duration", test_progress_and_duration);
  g_test_add_func ("/format/email", test_email);
  g_test_add_func ("/format/rate", test_rate);
  g_test_add_func ("/format/recipients", test_recipients);
  g_test_add_func ("/format/size-and-people", test_size_and_people);
  g_test_add_func ("/format/transfer-options", test_transfer_options);
  g_test_add_func ("/format/list-dates", test_list_dates);
  return g_test_run ();
}
