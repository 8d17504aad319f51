/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-error.c: the FM_ERROR table against the API reference's own list */
#include <locale.h>
#include <string.h>

#include "fm-error.h"
#include "fm-response.h"
#include "fm-retry-policy.h"
#include "fm-test-util.h"

/* The reference lists codes as a line "1003" followed by a line
 * "- InputParameterMissing" (tests/data/api-reference-errors.txt, a copy of
 * the seed). Every one of them must be in our enum with that name. */
static void
test_every_reference_code (void)
{
  g_autofree char *path = fm_test_source_path ("data/api-reference-errors.txt");
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  guint n_codes = 0;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL && lines[i + 1] != NULL; i++)
    {
      const char *line = g_strstrip (lines[i]);
      char *end = NULL;
      gint64 code = g_ascii_strtoll (line, &end, 10);

      if (strlen (line) != 4 || *end != '\0' || !g_str_has_prefix (lines[i + 1], "- "))
        continue;
      g_test_message ("%" G_GINT64_FORMAT " %s", code, lines[i + 1] + 2);
      g_assert_true (fm_error_code_is_known ((int) code));
      g_assert_cmpstr (fm_error_get_name ((int) code), ==, g_strstrip (lines[i + 1] + 2));
      n_codes++;
    }
  /* 9 generic, 24 authentication, 12 initializing, 6 get, 17 subscription, 8 other */
  g_assert_cmpuint (n_codes, ==, 76);
}

static void
test_every_code_has_a_sentence (void)
{
  gsize n = 0;
  const int *codes = fm_error_get_codes (&n);
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_cmpuint (n, >, 76);
  for (gsize i = 0; i < n; i++)
    {
      const char *message = fm_error_get_message (codes[i]);

      g_assert_nonnull (message);
      g_assert_cmpuint (strlen (message), >, 10);
      g_assert_true (g_str_has_suffix (message, "."));
      g_assert_false (g_hash_table_contains (names, fm_error_get_name (codes[i])));
      g_hash_table_add (names, (gpointer) fm_error_get_name (codes[i]));
    }
}

static void
test_server_error_keeps_server_words (void)
{
  g_autoptr(GError) error = fm_error_new_from_server (1003, "InputParameterMissing",
                                                      "Required parameter missing: \"logintoken\"");

  g_assert_error (error, FM_ERROR, FM_ERROR_INPUT_PARAMETER_MISSING);
  g_assert_nonnull (strstr (error->message, "InputParameterMissing"));
  g_assert_nonnull (strstr (error->message, "1003"));
  g_assert_nonnull (strstr (error->message, "Required parameter missing: \"logintoken\""));
  g_assert_cmpstr (fm_error_human_message (error), ==, "A required value was missing from the request.");
}

static void
test_unknown_code_falls_back (void)
{
  g_autoptr(GError) error = fm_error_new_from_server (7777, "BrandNewError", "from a newer server");

  g_assert_false (fm_error_code_is_known (7777));
  g_assert_cmpint (error->code, ==, 7777);
  g_assert_nonnull (strstr (error->message, "BrandNewError"));
  g_assert_cmpstr (fm_error_get_message (7777), ==, fm_error_get_message (FM_ERROR_UNKNOWN_ERROR));
}

/* A server answering one of the client's own codes (9001–9016) is not
 * taken for the client's failure: 9005 would be a network error (and
 * retried), 9012 a refused certificate. Through the real parser. */
static void
test_server_cannot_speak_for_the_client (void)
{
  for (int code = FM_ERROR_PROTOCOL; code <= FM_ERROR_NOT_FILEMAIL; code++)
    {
      g_autofree char *text = g_strdup_printf ("{\"responsestatus\":\"error\",\"errorcode\":%d,"
                                               "\"errorname\":\"Spoof\",\"errormessage\":\"x\"}", code);
      g_autoptr(GBytes) body = g_bytes_new (text, strlen (text));
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) root = fm_response_parse (body, &error);
      g_autofree char *number = g_strdup_printf ("%d", code);

      g_assert_null (root);
      g_assert_error (error, FM_ERROR, FM_ERROR_UNKNOWN_ERROR);
      g_assert_nonnull (strstr (error->message, number));
      g_assert_cmpint (fm_retry_policy_classify (0, error), ==, FM_RETRY_PERMANENT);
    }
}

static void
test_auth_expired (void)
{
  g_autoptr(GError) expired = g_error_new_literal (FM_ERROR, FM_ERROR_INVALID_OR_EXPIRED_LOGIN_TOKEN, "x");
  g_autoptr(GError) wrong = g_error_new_literal (FM_ERROR, FM_ERROR_WRONG_USERNAME_PASSWORD, "x");

  g_assert_true (fm_error_is_auth_expired (expired));
  g_assert_false (fm_error_is_auth_expired (wrong));
  g_assert_false (fm_error_is_auth_expired (NULL));
}

int
main (int argc, char *argv[])
{
  setlocale (LC_ALL, "C");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/error/every-reference-code", test_every_reference_code);
  g_test_add_func ("/error/every-code-has-a-sentence", test_every_code_has_a_sentence);
  g_test_add_func ("/error/server-words-kept", test_server_error_keeps_server_words);
  g_test_add_func ("/error/unknown-code", test_unknown_code_falls_back);
  g_test_add_func ("/error/auth-expired", test_auth_expired);
  g_test_add_func ("/error/server-cannot-speak-for-the-client", test_server_cannot_speak_for_the_client);
  return g_test_run ();
}
