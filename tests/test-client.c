/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-client.c: every endpoint of FmClient against the local server,
 * with the error answers the reference documents */
#include <string.h>

#include <openssl/evp.h>

#include "fm-arrivals.h"
#include "fm-error.h"
#include "fm-test-util.h"

/* Uploads @data as a single chunk, as the API reference's upload section
 * describes, with its base64 MD5 (the engine proper has its own tests). */
static void
upload_raw (FmTestFixture          *f,
            const FmTransferTicket *ticket,
            const char             *name,
            const char             *data)
{
  gsize len = strlen (data);
  guchar digest[EVP_MAX_MD_SIZE];
  unsigned int dlen = 0;
  g_autofree char *md5 = NULL, *url = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) body = g_bytes_new (data, len);
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *e_name = g_uri_escape_string (name, NULL, FALSE);
  g_autofree char *e_md5 = NULL;

  EVP_Digest (data, len, digest, &dlen, EVP_md5 (), NULL);
  md5 = g_base64_encode (digest, dlen);
  e_md5 = g_uri_escape_string (md5, NULL, FALSE);
  url = g_strdup_printf ("%s?transferid=%s&transferkey=%s&thefilename=%s&chunksize=5000000"
                         "&chunks=1&chunk=0&md5=%s", ticket->url, ticket->id, ticket->key, e_name, e_md5);
  msg = soup_message_new (SOUP_METHOD_POST, url);
  soup_message_set_request_body_from_bytes (msg, "application/octet-stream", body);
  soup_session_send_and_read_async (fm_client_get_session (f->client), msg, G_PRIORITY_DEFAULT,
                                    NULL, fm_test_async_cb, &result);
  reply = soup_session_send_and_read_finish (fm_client_get_session (f->client),
                                             fm_test_await (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  g_assert_cmpuint (g_bytes_get_size (reply), ==, 0);
}

static FmTransferTicket *
initialize (FmTestFixture *f,
            const char    *to,
            const char    *password,
            GError       **error)
{
  g_autoptr(FmTransferOptions) options = fm_transfer_options_new ();
  g_autoptr(GAsyncResult) result = NULL;

  options->to = g_strdup (to);
  options->subject = g_strdup ("Holiday photos");
  options->message = g_strdup ("Here they are & more: 100% of them +1");
  options->password = g_strdup (password);
  options->days = 3;
  fm_client_transfer_initialize_async (f->client, options, NULL, fm_test_async_cb, &result);
  return fm_client_transfer_initialize_finish (f->client, fm_test_await (&result), error);
}

static char *
complete (FmTestFixture          *f,
          const FmTransferTicket *ticket,
          GError                **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  fm_client_transfer_complete_async (f->client, ticket->id, ticket->key, NULL, fm_test_async_cb, &result);
  return fm_client_transfer_complete_finish (f->client, fm_test_await (&result), error);
}

/* A complete transfer from alice to bob with two files. */
static FmTransferTicket *
send_transfer (FmTestFixture *f,
               const char    *password)
{
  g_autoptr(GError) error = NULL;
  FmTransferTicket *ticket = initialize (f, "bob@example.com", password, &error);
  g_autofree char *url = NULL;

  g_assert_no_error (error);
  upload_raw (f, ticket, "hello.txt", "hello world");
  upload_raw (f, ticket, "dir/notes & plans.txt", "second file");
  url = complete (f, ticket, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (url, f->url));
  return ticket;
}

static FmTransfer *
get_transfer (FmTestFixture *f,
              const char    *id,
              const char    *password,
              GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  fm_client_transfer_get_async (f->client, id, password, NULL, fm_test_async_cb, &result);
  return fm_client_transfer_get_finish (f->client, fm_test_await (&result), error);
}

static GListModel *
list_sent (FmTestFixture *f,
           gboolean       expired,
           GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  fm_client_sent_get_async (f->client, expired, FALSE, NULL, fm_test_async_cb, &result);
  return fm_client_sent_get_finish (f->client, fm_test_await (&result), error);
}

static GListModel *
list_received (FmTestFixture *f,
               gboolean       all_users,
               GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  fm_client_received_get_async (f->client, all_users, 0, NULL, fm_test_async_cb, &result);
  return fm_client_received_get_finish (f->client, fm_test_await (&result), error);
}

static void
assert_no_secrets_in_urls (FmTestFixture *f)
{
  g_autoptr(JsonObject) stats = fm_test_stats (f);

  g_assert_cmpint (json_object_get_int_member (stats, "secrets_in_query"), ==, 0);
}

/* ------------------------------------------------------------------- */

static void
test_login_logout (FmTestFixture *f, gconstpointer data)
{
  g_autofree char *token = fm_test_login (f, "alice@example.com");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (strlen (token), ==, 32);
  g_assert_cmpstr (fm_client_get_login_token (f->client), ==, token);
  fm_client_logout_async (f->client, NULL, fm_test_async_cb, &result);
  g_assert_true (fm_client_logout_finish (f->client, fm_test_await (&result), &error));
  g_assert_no_error (error);
  g_assert_null (fm_client_get_login_token (f->client));

  /* the old token is dead on the server too */
  fm_client_set_login_token (f->client, token);
  g_clear_object (&result);
  fm_client_sent_get_async (f->client, FALSE, FALSE, NULL, fm_test_async_cb, &result);
  g_assert_null (fm_client_sent_get_finish (f->client, fm_test_await (&result), &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_INVALID_OR_EXPIRED_LOGIN_TOKEN);
  g_assert_true (fm_error_is_auth_expired (error));
  assert_no_secrets_in_urls (f);
}

static void
test_login_errors (FmTestFixture *f, gconstpointer data)
{
  struct { const char *user, *password; int code; } cases[] = {
    { "alice@example.com", "wrong", FM_ERROR_WRONG_USERNAME_PASSWORD },
    { "nobody@example.com", "x", FM_ERROR_WRONG_USERNAME_PASSWORD },
    { "captcha@example.com", "captcha-password", FM_ERROR_CAPTCHA_REQUIRED_FOR_NEXT_LOGIN },
    { "expired@example.com", "expired-password", FM_ERROR_ACCOUNT_EXPIRED },
    { "sso@example.com", "sso-password", FM_ERROR_USE_SSO_LINK },
    { "alice@example.com", NULL, FM_ERROR_INPUT_PARAMETER_MISSING },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *token = NULL;

      fm_client_login_async (f->client, cases[i].user, cases[i].password, NULL, fm_test_async_cb, &result);
      token = fm_client_login_finish (f->client, fm_test_await (&result), &error);
      g_assert_null (token);
      g_assert_error (error, FM_ERROR, cases[i].code);
      g_assert_null (fm_client_get_login_token (f->client));
    }
}

static GListModel *
check_arrivals (FmArrivals *arrivals)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *fresh;

  fm_arrivals_check_async (arrivals, NULL, fm_test_async_cb, &result);
  fresh = fm_arrivals_check_finish (arrivals, fm_test_await (&result), &error);
  g_assert_no_error (error);
  return fresh;
}

/* received/get's "from" (ms) asks only for what is new: what was there
 * when the watcher started is not, a transfer sent later is, once. */
static void
test_arrivals (FmTestFixture *f, gconstpointer data)
{
  g_autofree char *alice = fm_test_login (f, "alice@example.com");
  g_autoptr(FmTransferTicket) before = send_transfer (f, NULL);
  g_autoptr(FmTransferTicket) after = NULL;
  g_autoptr(FmArrivals) arrivals = NULL;
  g_autoptr(GListModel) none = NULL, one = NULL, again = NULL;
  g_autoptr(FmTransfer) t = NULL;
  g_autofree char *bob = NULL;

  g_usleep (G_USEC_PER_SEC + 10000);   /* list dates have a second's grain */
  bob = fm_test_login (f, "bob@example.com");
  arrivals = fm_arrivals_new (f->client, g_get_real_time () / 1000);
  none = check_arrivals (arrivals);
  g_assert_cmpuint (g_list_model_get_n_items (none), ==, 0);

  g_free (fm_test_login (f, "alice@example.com"));
  after = send_transfer (f, NULL);
  g_free (fm_test_login (f, "bob@example.com"));
  one = check_arrivals (arrivals);
  g_assert_cmpuint (g_list_model_get_n_items (one), ==, 1);
  t = g_list_model_get_item (one, 0);
  g_assert_cmpstr (fm_transfer_get_id (t), ==, after->id);
  again = check_arrivals (arrivals);
  g_assert_cmpuint (g_list_model_get_n_items (again), ==, 0);
}

/* The server's own record of a transfer (test control, not the API). */
static const char *
server_transfer_string (FmTestFixture *f,
                        const char    *id,
                        const char    *member)
{
  static char value[512];
  g_autoptr(JsonObject) stats = fm_test_stats (f);
  JsonObject *t = json_object_get_object_member (json_object_get_object_member (stats, "transfer_details"), id);

  g_strlcpy (value, json_object_get_string_member (t, member), sizeof value);
  return value;
}

static const char *
server_transfer_recipient (FmTestFixture *f,
                           const char    *id,
                           guint          i)
{
  static char value[512];
  g_autoptr(JsonObject) stats = fm_test_stats (f);
  JsonObject *t = json_object_get_object_member (json_object_get_object_member (stats, "transfer_details"), id);

  g_strlcpy (value, json_array_get_string_element (json_object_get_array_member (t, "to"), i), sizeof value);
  return value;
}

static void
test_send_and_get (FmTestFixture *f, gconstpointer data)
{
  g_autofree char *token = fm_test_login (f, "alice@example.com");
  g_autoptr(FmTransferTicket) ticket = send_transfer (f, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FmTransfer) t = NULL;
  g_autoptr(FmTransferFile) second = NULL;

  fm_client_set_login_token (f->client, NULL);   /* get works without an account */
  t = get_transfer (f, ticket->id, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fm_transfer_get_id (t), ==, ticket->id);
  /* transfer/get answers as the reference's example: no subject, no
   * recipients (the server has them, the API does not tell) */
  g_assert_null (fm_transfer_get_subject (t));
  g_assert_null (fm_transfer_get_to (t)[0]);
  g_assert_false (fm_transfer_get_recipients_known (t));
  g_assert_true (fm_transfer_get_details_loaded (t));
  g_assert_cmpstr (server_transfer_string (f, ticket->id, "subject"), ==, "Holiday photos");
  g_assert_cmpstr (fm_transfer_get_message (t), ==, "Here they are & more: 100% of them +1");
  g_assert_cmpstr (fm_transfer_get_from (t), ==, "alice@example.com");
  g_assert_cmpstr (fm_transfer_get_status (t), ==, "STATUS_COMPLETE");
  g_assert_cmpint (fm_transfer_get_size (t), ==, 22);
  g_assert_cmpint (fm_transfer_get_expire_date (t) - fm_transfer_get_sent_date (t), ==, 3 * 86400);
  g_assert_cmpint (ABS (fm_transfer_get_sent_date (t) - g_get_real_time () / G_USEC_PER_SEC), <, 60);
  g_assert_cmpuint (g_list_model_get_n_items (fm_transfer_get_files (t)), ==, 2);
  second = g_list_model_get_item (fm_transfer_get_files (t), 1);
  g_assert_cmpstr (fm_transfer_file_get_filename (second), ==, "dir/notes & plans.txt");
  g_assert_cmpint (fm_transfer_file_get_filesize (second), ==, 11);
  assert_no_secrets_in_urls (f);
}

static void
test_get_errors (FmTestFixture *f, gconstpointer data)
{
  g_autofree char *token = fm_test_login (f, "alice@example.com");
  g_autoptr(FmTransferTicket) locked = send_transfer (f, "s3cret pass");
  g_autoptr(FmTransferTicket) unfinished = NULL;
  g_autoptr(FmTransfer) t = NULL;
  g_autoptr(GError) error = NULL;

  t = get_transfer (f, "NOSUCHTRANSFER", NULL, &error);
  g_assert_error (error, FM_ERROR, FM_ERROR_NOT_FOUND);
  g_clear_error (&error);

  fm_client_set_login_token (f->client, NULL);   /* as a recipient without account */
  t = get_transfer (f, locked->id, NULL, &error);
  g_assert_null (t);
  g_assert_error (error, FM_ERROR, FM_ERROR_PASSWORD_REQUIRED);
  g_clear_error (&error);
  t = get_transfer (f, locked->id, "wrong", &error);
  g_assert_error (error, FM_ERROR, FM_ERROR_PASSWORD_REQUIRED);
  g_clear_error (&error);
  t = get_transfer (f, locked->id, "s3cret pass", &error);
  g_assert_no_error (error);
  g_assert_nonnull (t);
  g_clear_object (&t);

  unfinished = initialize (f, NULL, NULL, &error);
  g_assert_no_error (error);
  t = get_transfer (f, unfinished->id, NULL, &error);
  g_assert_error (error, FM_ERROR, FM_ERROR_UPLOAD_NOT_COMPLETE);
  g_clear_error (&error);

  /* complete without files, then with a wrong key */
  g_free (complete (f, unfinished, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_INVALID_TRANSFER_STATE);
  g_clear_error (&error);
  g_free (unfinished->key);
  unfinished->key = g_strdup ("0000");
  g_free (complete (f, unfinished, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_ACCESS_DENIED);
  assert_no_secrets_in_urls (f);
}

static void
test_initialize_errors (FmTestFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FmTransferTicket) ticket = initialize (f, "bob@example.com, not an address", NULL, &error);
  g_autoptr(FmTransferOptions) options = fm_transfer_options_new ();
  g_autoptr(GAsyncResult) result = NULL;
  GString *subject = g_string_new (NULL);

  g_assert_null (ticket);
  g_assert_error (error, FM_ERROR, FM_ERROR_INVALID_EMAIL);
  g_assert_nonnull (strstr (error->message, "not an address"));
  g_clear_error (&error);

  for (int i = 0; i < 201; i++)
    g_string_append_unichar (subject, 0x00d8);   /* 201 characters, 402 bytes */
  options->subject = g_string_free (subject, FALSE);
  fm_client_transfer_initialize_async (f->client, options, NULL, fm_test_async_cb, &result);
  g_assert_null (fm_client_transfer_initialize_finish (f->client, fm_test_await (&result), &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_INVALID_PARAMETER);
}

static void
test_forward (FmTestFixture *f, gconstpointer data)
{
  g_autofree char *token = fm_test_login (f, "alice@example.com");
  g_autoptr(FmTransferTicket) ticket = send_transfer (f, NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FmTransfer) t = NULL;
  g_autofree char *carol = NULL;

  fm_client_transfer_forward_async (f->client, ticket->id, "carol@example.com", NULL, fm_test_async_cb, &result);
  g_assert_true (fm_client_transfer_forward_finish (f->client, fm_test_await (&result), &error));
  g_assert_no_error (error);
  g_assert_cmpstr (server_transfer_recipient (f, ticket->id, 1), ==, "carol@example.com");

  g_clear_object (&result);
  fm_client_transfer_forward_async (f->client, ticket->id, "carol@", NULL, fm_test_async_cb, &result);
  g_assert_false (fm_client_transfer_forward_finish (f->client, fm_test_await (&result), &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_INVALID_EMAIL);
  g_clear_error (&error);

  /* carol received it now, but cannot forward alice's transfer */
  carol = fm_test_login (f, "carol@example.com");
  g_clear_object (&result);
  fm_client_transfer_forward_async (f->client, ticket->id, "x@example.com", NULL, fm_test_async_cb, &result);
  g_assert_false (fm_client_transfer_forward_finish (f->client, fm_test_await (&result), &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_ACCESS_DENIED);
}

static void
test_cancel (FmTestFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FmTransferTicket) ticket = initialize (f, NULL, NULL, &error);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(FmTransfer) t = NULL;

  g_assert_no_error (error);
  upload_raw (f, ticket, "a.txt", "partial");
  fm_client_transfer_cancel_async (f->client, ticket->id, ticket->key, NULL, fm_test_async_cb, &result);
  g_assert_true (fm_client_transfer_cancel_finish (f->client, fm_test_await (&result), &error));
  g_assert_no_error (error);
  t = get_transfer (f, ticket->id, NULL, &error);
  g_assert_error (error, FM_ERROR, FM_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_free (complete (f, ticket, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_NOT_FOUND);
  assert_no_secrets_in_urls (f);
}

static void
test_delete (FmTestFixture *f, gconstpointer data)
{
  g_autofree char *token = fm_test_login (f, "alice@example.com");
  g_autoptr(FmTransferTicket) keep = send_transfer (f, NULL);
  g_autoptr(FmTransferTicket) gone = send_transfer (f, NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) sent = NULL;
  g_autoptr(FmTransfer) remaining = NULL;

  fm_client_transfer_delete_async (f->client, gone->id, NULL, fm_test_async_cb, &result);
  g_assert_true (fm_client_transfer_delete_finish (f->client, fm_test_await (&result), &error));
  g_assert_no_error (error);
  sent = list_sent (f, TRUE, &error);
  g_assert_cmpuint (g_list_model_get_n_items (sent), ==, 1);
  remaining = g_list_model_get_item (sent, 0);
  g_assert_cmpstr (fm_transfer_get_id (remaining), ==, keep->id);

  g_clear_object (&result);
  fm_client_transfer_delete_async (f->client, gone->id, NULL, fm_test_async_cb, &result);
  g_assert_false (fm_client_transfer_delete_finish (f->client, fm_test_await (&result), &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_NOT_FOUND);
}

static void
test_update (FmTestFixture *f, gconstpointer data)
{
  g_autofree char *token = fm_test_login (f, "alice@example.com");
  g_autoptr(FmTransferTicket) ticket = send_transfer (f, NULL);
  FmTransferUpdate update = FM_TRANSFER_UPDATE_INIT;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FmTransfer) t = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  update.subject = "New subject";
  update.message = "";
  update.days = 30;
  update.notify = TRUE;
  fm_client_transfer_update_async (f->client, ticket->id, &update, NULL, fm_test_async_cb, &result);
  g_assert_true (fm_client_transfer_update_finish (f->client, fm_test_await (&result), &error));
  g_assert_no_error (error);
  t = get_transfer (f, ticket->id, NULL, &error);
  g_assert_cmpstr (server_transfer_string (f, ticket->id, "subject"), ==, "New subject");
  g_assert_cmpstr (fm_transfer_get_message (t), ==, "");   /* cleared */
  g_assert_true (fm_transfer_get_notify (t));
  g_assert_cmpint (ABS (fm_transfer_get_expire_date (t) - (now + 30 * 86400)), <, 60);

  update = (FmTransferUpdate) FM_TRANSFER_UPDATE_INIT;
  update.days = 0;
  g_clear_object (&result);
  fm_client_transfer_update_async (f->client, ticket->id, &update, NULL, fm_test_async_cb, &result);
  g_assert_false (fm_client_transfer_update_finish (f->client, fm_test_await (&result), &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_INVALID_PARAMETER);
}

static void
test_file_rename_delete (FmTestFixture *f, gconstpointer data)
{
  g_autofree char *token = fm_test_login (f, "alice@example.com");
  g_autoptr(FmTransferTicket) ticket = send_transfer (f, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FmTransfer) t = get_transfer (f, ticket->id, NULL, &error);
  g_autoptr(FmTransferFile) first = g_list_model_get_item (fm_transfer_get_files (t), 0);
  g_autofree char *file_id = g_strdup (fm_transfer_file_get_id (first));
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(FmTransferFile) renamed = NULL;
  const char *bad[] = { "a<b", "a>b", "a:b", "a\"b", "a/b", "a\\b", "a|b", "a?b", "a*b", "", "..", "a\nb" };

  fm_client_file_rename_async (f->client, file_id, "Renamed report (final).txt", NULL, fm_test_async_cb, &result);
  g_assert_true (fm_client_file_rename_finish (f->client, fm_test_await (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&t);
  t = get_transfer (f, ticket->id, NULL, &error);
  renamed = g_list_model_get_item (fm_transfer_get_files (t), 0);
  g_assert_cmpstr (fm_transfer_file_get_filename (renamed), ==, "Renamed report (final).txt");

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_clear_object (&result);
      fm_client_file_rename_async (f->client, file_id, bad[i], NULL, fm_test_async_cb, &result);
      g_assert_false (fm_client_file_rename_finish (f->client, fm_test_await (&result), &error));
      g_assert_error (error, FM_ERROR, FM_ERROR_INVALID_PARAMETER);
      g_clear_error (&error);
    }

  g_clear_object (&result);
  fm_client_file_delete_async (f->client, file_id, NULL, fm_test_async_cb, &result);
  g_assert_true (fm_client_file_delete_finish (f->client, fm_test_await (&result), &error));
  g_clear_object (&t);
  t = get_transfer (f, ticket->id, NULL, &error);
  g_assert_cmpuint (g_list_model_get_n_items (fm_transfer_get_files (t)), ==, 1);
  g_assert_cmpint (fm_transfer_get_size (t), ==, 11);

  g_clear_object (&result);
  fm_client_file_delete_async (f->client, file_id, NULL, fm_test_async_cb, &result);
  g_assert_false (fm_client_file_delete_finish (f->client, fm_test_await (&result), &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_FILE_IS_DELETED);
}

static void
expire_on_server (FmTestFixture *f,
                  const char    *id)
{
  const char *params[] = { "transferid", id, NULL };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) root = NULL;

  fm_client_call_async (f->client, "/test/expire", params, NULL, fm_test_async_cb, &result);
  root = fm_client_call_finish (f->client, fm_test_await (&result), &error);
  g_assert_no_error (error);
}

static void
test_sent_and_received (FmTestFixture *f, gconstpointer data)
{
  g_autofree char *alice = fm_test_login (f, "alice@example.com");
  g_autoptr(FmTransferTicket) one = send_transfer (f, NULL);
  g_autoptr(FmTransferTicket) two = send_transfer (f, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) sent = NULL, sent_all = NULL, received = NULL, mine = NULL;
  g_autoptr(FmTransfer) item = NULL;
  g_autofree char *bob = NULL;

  expire_on_server (f, one->id);
  sent = list_sent (f, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (sent), ==, 1);
  sent_all = list_sent (f, TRUE, &error);
  g_assert_cmpuint (g_list_model_get_n_items (sent_all), ==, 2);
  item = g_list_model_get_item (sent, 0);
  g_assert_cmpstr (fm_transfer_get_id (item), ==, two->id);
  /* the list's quirks: seconds and "responsestatus" */
  g_assert_cmpstr (fm_transfer_get_status (item), ==, "STATUS_COMPLETE");
  g_assert_cmpint (ABS (fm_transfer_get_sent_date (item) - g_get_real_time () / G_USEC_PER_SEC), <, 60);

  bob = fm_test_login (f, "bob@example.com");
  received = list_received (f, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (received), ==, 1);
  mine = list_received (f, TRUE, &error);   /* bob is no company admin */
  g_assert_null (mine);
  g_assert_error (error, FM_ERROR, FM_ERROR_ACCESS_DENIED);
  assert_no_secrets_in_urls (f);
}

static void
test_expired_token (FmTestFixture *f, gconstpointer data)
{
  g_autofree char *token = fm_test_login (f, "alice@example.com");
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) sent = NULL;

  fm_test_config (f, "expire_tokens", "1");
  sent = list_sent (f, FALSE, &error);
  g_assert_null (sent);
  g_assert_error (error, FM_ERROR, FM_ERROR_INVALID_OR_EXPIRED_LOGIN_TOKEN);
  g_assert_nonnull (strstr (error->message, "InvalidOrExpiredLoginToken"));
}

static void
test_not_logged_in (FmTestFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) sent = list_sent (f, FALSE, &error);
  g_autoptr(JsonObject) stats = fm_test_stats (f);

  g_assert_error (error, FM_ERROR, FM_ERROR_NOT_LOGGED_IN);
  g_assert_null (sent);
}

static void
test_api_key (FmTestFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FmTransferTicket) without = NULL, with = NULL;

  fm_test_config (f, "api_key", "KEY-123");
  without = initialize (f, NULL, NULL, &error);
  g_assert_error (error, FM_ERROR, FM_ERROR_ACCESS_DENIED);
  g_clear_error (&error);
  fm_client_set_api_key (f->client, "KEY-123");
  with = initialize (f, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (with);
}

static void
test_upload_host (FmTestFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FmTransferTicket) ticket = NULL;

  /* the transferurl names another host than the API: the client must use it */
  fm_test_config (f, "upload_host", "localhost");
  ticket = initialize (f, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (ticket->url, g_str_has_prefix (f->url, "https") ? "https://localhost:"
                                                                                 : "http://localhost:"));
  g_assert_false (g_str_has_prefix (ticket->url, f->url));
  upload_raw (f, ticket, "x.bin", "elsewhere");
}

static void
test_server_not_there (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, 0, &error);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new_from_string ("127.0.0.1", 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autofree char *url = NULL;
  g_autoptr(FmClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *token = NULL;

  /* a port that was just free: nothing listens there */
  g_socket_bind (socket, any, FALSE, &error);
  bound = g_socket_get_local_address (socket, &error);
  url = g_strdup_printf ("http://127.0.0.1:%u", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  g_socket_close (socket, NULL);
  client = fm_client_new (url, &error);
  fm_client_login_async (client, "alice@example.com", "alice-password", NULL, fm_test_async_cb, &result);
  token = fm_client_login_finish (client, fm_test_await (&result), &error);
  g_assert_null (token);
  g_assert_error (error, FM_ERROR, FM_ERROR_NETWORK);
}

/* A server that answers everything with one canned reply. */
typedef struct { guint status; const char *type, *body; } Canned;

static void
canned_cb (SoupServer *server, SoupServerMessage *msg, const char *path,
           GHashTable *query, gpointer user_data)
{
  const Canned *c = user_data;

  soup_server_message_set_status (msg, c->status, NULL);
  soup_server_message_set_response (msg, c->type, SOUP_MEMORY_STATIC, c->body, strlen (c->body));
}

static void
test_malformed_server (void)
{
  g_autoptr(FmRetryPolicy) quick = g_object_new (FM_TYPE_RETRY_POLICY, "max-attempts", 3,
                                                 "base-delay-ms", 1, "max-delay-ms", 5, NULL);
  const Canned cases[] = {
    { 200, "text/html", "<html><body>Service Unavailable</body></html>" },
    { 200, "application/json", "{\"responsestatus\": \"ok\", \"logintok" },
    { 200, "application/json", "{\"responsestatus\": \"ok\", \"logintoken\": 12345}" },
    { 200, "application/json", "[]" },
    { 502, "text/html", "<html>Bad Gateway</html>" },
    { 404, "application/json", "{\"responsestatus\":\"ok\",\"logintoken\":\"x\"}" },
  };
  /* an HTML page is no Filemail answer (a captive portal), 5xx is "not
   * now" (both transient: lists and transfer/get try them again), a broken
   * JSON answer is a protocol error, 404 a refusal */
  const int codes[] = { FM_ERROR_NOT_FILEMAIL, FM_ERROR_PROTOCOL, FM_ERROR_PROTOCOL, FM_ERROR_PROTOCOL,
                        FM_ERROR_SERVER_UNAVAILABLE, FM_ERROR_HTTP_STATUS };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
      g_autoptr(GSocketAddress) address = g_inet_socket_address_new_from_string ("127.0.0.1", 0);
      g_autoptr(GError) error = NULL;
      g_autoptr(FmClient) client = NULL;
      g_autoptr(GAsyncResult) result = NULL;
      g_autofree char *url = NULL, *token = NULL;
      GSList *uris;

      soup_server_add_handler (server, NULL, canned_cb, (gpointer) &cases[i], NULL);
      g_assert_true (soup_server_listen (server, address, 0, &error));
      uris = soup_server_get_uris (server);
      url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
      g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
      client = fm_client_new (url, &error);
      fm_client_set_retry_policy (client, quick);
      fm_client_login_async (client, "a@b.c", "p", NULL, fm_test_async_cb, &result);
      token = fm_client_login_finish (client, fm_test_await (&result), &error);
      g_assert_null (token);
      g_assert_error (error, FM_ERROR, codes[i]);
      soup_server_disconnect (server);
    }
}

static void
test_cancelled (FmTestFixture *f, gconstpointer data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;

  fm_test_config (f, "slow_ms", "2000");
  fm_client_login_async (f->client, "alice@example.com", "alice-password", cancellable,
                         fm_test_async_cb, &result);
  g_cancellable_cancel (cancellable);
  token = fm_client_login_finish (f->client, fm_test_await (&result), &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) \
  g_test_add ("/client/" path, FmTestFixture, NULL, fm_test_fixture_setup, func, fm_test_fixture_teardown)
  ADD ("login-logout", test_login_logout);
  ADD ("login-errors", test_login_errors);
  ADD ("send-and-get", test_send_and_get);
  ADD ("get-errors", test_get_errors);
  ADD ("initialize-errors", test_initialize_errors);
  ADD ("forward", test_forward);
  ADD ("cancel", test_cancel);
  ADD ("delete", test_delete);
  ADD ("update", test_update);
  ADD ("file-rename-delete", test_file_rename_delete);
  ADD ("sent-and-received", test_sent_and_received);
  ADD ("expired-token", test_expired_token);
  ADD ("not-logged-in", test_not_logged_in);
  ADD ("api-key", test_api_key);
  ADD ("upload-host", test_upload_host);
  ADD ("cancelled", test_cancelled);
  ADD ("arrivals", test_arrivals);
#undef ADD
  g_test_add_func ("/client/server-not-there", test_server_not_there);
  g_test_add_func ("/client/malformed-server", test_malformed_server);
  return g_test_run ();
}
