/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-url.c: which server addresses the client accepts, and config */
#include <string.h>

#include "fm-client.h"
#include "fm-config.h"
#include "fm-error.h"
#include "fm-transfer-link.h"

static void
test_policy (void)
{
  struct { const char *url; int code; } cases[] = {
    { "https://www.filemail.com", 0 },
    { "https://files.example.com:8443/base", 0 },
    { "HTTPS://WWW.FILEMAIL.COM", 0 },
    { "http://127.0.0.1:8080", 0 },
    { "http://127.1.2.3", 0 },
    { "http://localhost:1234", 0 },
    { "http://[::1]:8080", 0 },
    { "http://www.filemail.com", FM_ERROR_INSECURE_URL },
    { "http://192.168.1.10", FM_ERROR_INSECURE_URL },
    { "http://127.0.0.1.evil.com", FM_ERROR_INSECURE_URL },
    { "http://localhost.evil.com", FM_ERROR_INSECURE_URL },
    { "ftp://www.filemail.com", FM_ERROR_INVALID_URL },
    { "www.filemail.com", FM_ERROR_INVALID_URL },
    { "", FM_ERROR_INVALID_URL },
    { "https://", FM_ERROR_INVALID_URL },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean ok = fm_client_check_url (cases[i].url, &error);

      g_test_message ("%s", cases[i].url);
      if (cases[i].code == 0)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
        }
      else
        {
          g_assert_false (ok);
          g_assert_error (error, FM_ERROR, cases[i].code);
        }
    }
}

static void
test_redact (void)
{
  g_autofree char *r = fm_client_redact_uri ("https://user:pw@fs1.filemail.com/savefile.ashx?transferid=A&transferkey=SECRET#x");

  g_assert_null (strstr (r, "SECRET"));
  g_assert_null (strstr (r, "pw"));
  g_assert_cmpstr (r, ==, "https://fs1.filemail.com/savefile.ashx");
}

static void
test_client_new (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FmClient) insecure = fm_client_new ("http://filemail.example.com", &error);
  g_autoptr(FmClient) client = NULL;

  g_assert_null (insecure);
  g_assert_error (error, FM_ERROR, FM_ERROR_INSECURE_URL);
  g_clear_error (&error);
  client = fm_client_new ("https://company.example.com/", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fm_client_get_base_url (client), ==, "https://company.example.com");
  g_clear_object (&client);
  client = fm_client_new (NULL, &error);
  g_assert_cmpstr (fm_client_get_base_url (client), ==, FM_DEFAULT_API_URL);
}

/* FILEMAIL_API_URL wins over GSettings, which wins over the default. */
static void
test_config_sources (void)
{
  g_autoptr(GSettings) settings = fm_config_get_settings ();
  g_autofree char *from_default = NULL, *from_settings = NULL, *from_env = NULL;

  g_assert_nonnull (settings);   /* the tests run with the build tree's schema */
  g_unsetenv ("FILEMAIL_API_URL");
  from_default = fm_config_get_api_url ();
  g_assert_cmpstr (from_default, ==, "https://www.filemail.com");
  g_settings_set_string (settings, "server-url", "https://company.example.com");
  from_settings = fm_config_get_api_url ();
  g_assert_cmpstr (from_settings, ==, "https://company.example.com");
  g_setenv ("FILEMAIL_API_URL", "http://127.0.0.1:9", TRUE);
  from_env = fm_config_get_api_url ();
  g_assert_cmpstr (from_env, ==, "http://127.0.0.1:9");
  g_unsetenv ("FILEMAIL_API_URL");
  g_settings_reset (settings, "server-url");
}

/* The setting wins; unset, the desktop's Downloads folder (or home). */
static void
test_download_folder (void)
{
  g_autofree char *set = fm_config_resolve_download_folder ("/srv/incoming");
  g_autofree char *unset = fm_config_resolve_download_folder ("");
  const char *downloads = g_get_user_special_dir (G_USER_DIRECTORY_DOWNLOAD);

  g_assert_cmpstr (set, ==, "/srv/incoming");
  g_assert_cmpstr (unset, ==, downloads != NULL ? downloads : g_get_home_dir ());
}

/* What a recipient pastes. The reference's transfer/get example shows the
 * link and its id side by side: "id": "qxrfkirjzwjvwbp",
 * "url": "https://www.filemail.com/d/qxrfkirjzwjvwbp". */
static void
test_transfer_links (void)
{
  const char *filemail = "https://www.filemail.com";
  const char *local = "http://127.0.0.1:8123";
  struct { const char *base; const char *text; const char *id; } cases[] = {
    /* good */
    { filemail, "https://www.filemail.com/d/qxrfkirjzwjvwbp", "qxrfkirjzwjvwbp" },
    { filemail, "qxrfkirjzwjvwbp", "qxrfkirjzwjvwbp" },
    { filemail, "  HGTUIJBGTRFGJPO\n", "HGTUIJBGTRFGJPO" },
    { filemail, "<https://www.filemail.com/d/qxrfkirjzwjvwbp>", "qxrfkirjzwjvwbp" },
    { filemail, "\"https://www.filemail.com/d/qxrfkirjzwjvwbp/\".", "qxrfkirjzwjvwbp" },
    { filemail, "www.filemail.com/d/qxrfkirjzwjvwbp", "qxrfkirjzwjvwbp" },
    { filemail, "filemail.com/d/qxrfkirjzwjvwbp", "qxrfkirjzwjvwbp" },
    { filemail, "http://www.filemail.com/d/qxrfkirjzwjvwbp", "qxrfkirjzwjvwbp" },
    { filemail, "HTTPS://WWW.FILEMAIL.COM/d/QXRFKIRJZWJVWBP?utm_source=mail#top", "QXRFKIRJZWJVWBP" },
    { filemail, "https://eu.filemail.com/d/abc123", "abc123" },
    { NULL, "https://www.filemail.com/d/abc123", "abc123" },
    { local, "http://127.0.0.1:8123/d/ABCDEF", "ABCDEF" },
    { "http://127.0.0.1:8123/prefix/", "http://127.0.0.1:8123/prefix/d/ABCDEF", "ABCDEF" },
    /* foreign */
    { filemail, "https://www.filemail.com.evil.example/d/abc123", NULL },
    { filemail, "https://www.filemail.com@evil.example/d/abc123", NULL },
    { filemail, "https://evilfilemail.com/d/abc123", NULL },
    { filemail, "https://example.org/d/abc123", NULL },
    { filemail, "https://.filemail.com/d/abc123", NULL },
    { local, "https://www.filemail.com/d/abc123", NULL },
    { local, "http://127.0.0.1:9999/d/ABCDEF", NULL },
    { "http://127.0.0.1:8123/prefix", "http://127.0.0.1:8123/d/ABCDEF", NULL },
    /* malformed and hostile */
    { filemail, "https://www.filemail.com/", NULL },
    { filemail, "https://www.filemail.com/d/", NULL },
    { filemail, "https://www.filemail.com/t/abc123", NULL },
    { filemail, "https://www.filemail.com/d/abc123/extra", NULL },
    { filemail, "https://www.filemail.com/d/../../etc/passwd", NULL },
    { filemail, "https://www.filemail.com/d/%2e%2e", NULL },
    { filemail, "https://www.filemail.com/d/abc;rm -rf", NULL },
    { filemail, "https://www.filemail.com/d/abc\xc3\xa9", NULL },
    { filemail, "ftp://www.filemail.com/d/abc123", NULL },
    { filemail, "file:///etc/passwd", NULL },
    { filemail, "javascript:alert(1)", NULL },
    { filemail, "movie.mkv", NULL },
    { filemail, "", NULL },
    { filemail, "https://", NULL },
    { filemail, "\xff\xfe", NULL },
  };
  g_autofree char *long_id = g_strnfill (FM_TRANSFER_ID_MAX + 1, 'a');
  g_autofree char *huge = g_strnfill (100000, 'a');

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *id = fm_transfer_link_parse (cases[i].text, cases[i].base, &error);

      g_test_message ("%s on %s", cases[i].text, cases[i].base);
      g_assert_cmpstr (id, ==, cases[i].id);
      if (cases[i].id == NULL)
        {
          g_assert_error (error, FM_ERROR, FM_ERROR_NOT_A_LINK);
          g_assert_true (g_utf8_validate (error->message, -1, NULL));
          g_assert_cmpuint (strlen (error->message), <, 300);
        }
    }
  for (const char *text, **t = (const char *[]) { long_id, huge, NULL }; (text = *t) != NULL; t++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *id = fm_transfer_link_parse (text, filemail, &error);

      g_assert_null (id);
      g_assert_error (error, FM_ERROR, FM_ERROR_NOT_A_LINK);
      g_assert_cmpuint (strlen (error->message), <, 300);
    }
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *id = fm_transfer_link_parse ("https://example.org/d/abc", filemail, &error);

    g_assert_null (id);
    g_assert_nonnull (strstr (error->message, "example.org"));
  }
  g_assert_true (fm_transfer_link_looks_like ("https://example.org/x"));
  g_assert_true (fm_transfer_link_looks_like (" www.filemail.com/d/abc "));
  g_assert_false (fm_transfer_link_looks_like ("/home/me/movie.mkv"));
  g_assert_false (fm_transfer_link_looks_like ("file:///home/me/movie.mkv"));
  g_assert_false (fm_transfer_link_looks_like ("abc123"));
  {
    g_autofree char *url = fm_transfer_link_for_id ("http://127.0.0.1:8123/", "ABC");
    g_assert_cmpstr (url, ==, "http://127.0.0.1:8123/d/ABC");
  }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/url/policy", test_policy);
  g_test_add_func ("/url/redact", test_redact);
  g_test_add_func ("/url/client-new", test_client_new);
  g_test_add_func ("/url/config-sources", test_config_sources);
  g_test_add_func ("/url/download-folder", test_download_folder);
  g_test_add_func ("/url/transfer-links", test_transfer_links);
  return g_test_run ();
}
