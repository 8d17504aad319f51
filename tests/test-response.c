/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-response.c: every response shape of the API reference, its
 * quirks, and malformed answers */
#include <string.h>

#include "fm-error.h"
#include "fm-response.h"
#include "fm-test-util.h"

static JsonObject *
parse (const char  *text,
       GError     **error)
{
  g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));

  return fm_response_parse (bytes, error);
}

/* The reference's /api/transfer/get example, verbatim (dates in
 * milliseconds, status under "status", responsestatus "OK"). */
static const char transfer_get_example[] =
  "{\n"
  "  \"transfer\": {\n"
  "    \"from\": \"sender@example.com\",\n"
  "    \"message\": \"Hey Tim, here are the files. Give me a holler when you have looked at them.\",\n"
  "    \"expiredate\": 1354138194677,\n"
  "    \"downloads\": 20,\n"
  "    \"sentdate\": 1353878994677,\n"
  "    \"files\": [\n"
  "      {\n"
  "        \"filename\": \"180x500_4_2.swi\",\n"
  "        \"filesize\": 484095,\n"
  "        \"downloadurl\": \"https://www.filemail.com/api/file/get?file...\",\n"
  "        \"fileid\": \"d9e234e17c0d49cf872e0f863ec6d87b\",\n"
  "        \"smallpreview\": \"https://www.filemail.com/images/icons/...png\",\n"
  "        \"largepreview\": \"https://www.filemail.com/images/icons/...png\"\n"
  "      },\n"
  "      {\n"
  "        \"filename\": \"test.mp3\",\n"
  "        \"filesize\": 5922685,\n"
  "        \"downloadurl\": \"https://www.filemail.com/api/file/get?file...\",\n"
  "        \"fileid\": \"d49e3f6d458343ab93dd64067686acf3\",\n"
  "        \"smallpreview\": \"https://www.filemail.com/images/icons/...png\",\n"
  "        \"largepreview\": \"https://www.filemail.com/images/icons/...png\"\n"
  "      },\n"
  "      {\n"
  "        \"filename\": \"63300102_\xc3\x98stbanebygn_M1etg_MIDL.dwg\",\n"
  "        \"filesize\": 3678804,\n"
  "        \"downloadurl\": \"https://www.filemail.com/api/file/get?file...\",\n"
  "        \"fileid\": \"972d75d29a55435480082d3ab2a5d50f\",\n"
  "        \"smallpreview\": \"https://www.filemail.com/images/icons/...png\",\n"
  "        \"largepreview\": \"https://www.filemail.com/images/icons/...png\"\n"
  "      }\n"
  "    ],\n"
  "    \"notify\": true,\n"
  "    \"status\": \"STATUS_COMPLETE\",\n"
  "    \"id\": \"qxrfkirjzwjvwbp\",\n"
  "    \"url\": \"https://www.filemail.com/d/qxrfkirjzwjvwbp\",\n"
  "    \"size\": 110093096\n"
  "  },\n"
  "  \"responsestatus\": \"OK\"\n"
  "}";

static void
test_transfer_get_example (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) root = parse (transfer_get_example, &error);
  g_autoptr(FmTransfer) t = NULL;
  g_autoptr(FmTransferFile) f = NULL;

  g_assert_no_error (error);
  t = fm_response_parse_transfer (root, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fm_transfer_get_id (t), ==, "qxrfkirjzwjvwbp");
  g_assert_cmpstr (fm_transfer_get_from (t), ==, "sender@example.com");
  g_assert_cmpint (fm_transfer_get_expire_date (t), ==, 1354138194);   /* ms -> s */
  g_assert_cmpint (fm_transfer_get_sent_date (t), ==, 1353878994);
  g_assert_cmpint (fm_transfer_get_downloads (t), ==, 20);
  g_assert_true (fm_transfer_get_notify (t));
  g_assert_cmpstr (fm_transfer_get_status (t), ==, "STATUS_COMPLETE");
  g_assert_cmpstr (fm_transfer_get_url (t), ==, "https://www.filemail.com/d/qxrfkirjzwjvwbp");
  g_assert_cmpint (fm_transfer_get_size (t), ==, 110093096);
  g_assert_cmpuint (g_list_model_get_n_items (fm_transfer_get_files (t)), ==, 3);
  f = g_list_model_get_item (fm_transfer_get_files (t), 2);
  g_assert_cmpstr (fm_transfer_file_get_filename (f), ==, "63300102_\xc3\x98stbanebygn_M1etg_MIDL.dwg");
  g_assert_cmpint (fm_transfer_file_get_filesize (f), ==, 3678804);
  g_assert_cmpstr (fm_transfer_file_get_id (f), ==, "972d75d29a55435480082d3ab2a5d50f");
  g_assert_cmpstr (fm_transfer_file_get_small_preview (f), ==, "https://www.filemail.com/images/icons/...png");
  g_assert_true (g_str_has_prefix (fm_transfer_file_get_download_url (f), "https://www.filemail.com/api/file/get"));
}

/* The reference's sent/get example, verbatim, with its // comment: dates in
 * seconds and the transfer's status under "responsestatus". */
static const char sent_get_example[] =
  "{\n"
  "  \"transfers\": [\n"
  "    {\n"
  "      \"from\": \"sender4@filemail.com\",\n"
  "      \"subject\": \"s2\",\n"
  "      \"message\": \"m2\",\n"
  "      \"expiredate\": 1350314399,\n"
  "      \"downloads\": 22,\n"
  "      \"sentdate\": 1350055199,\n"
  "      \"files\": [], //Invoke /api/transfer/get in order to get filelist for this transfer.\n"
  "      \"notify\": false,\n"
  "      \"responsestatus\": \"STATUS_COMPLETE\",\n"
  "      \"id\": \"JZGRNCULDOIMIVL\"\n"
  "    }\n"
  "  ],\n"
  "  \"responsestatus\": \"OK\"\n"
  "}";

static const char received_get_example[] =
  "{\n"
  "  \"transfers\": [\n"
  "    {\n"
  "      \"subject\": \"s1\",\n"
  "      \"message\": \"m1\",\n"
  "      \"expiredate\": 1350564097,\n"
  "      \"downloads\": 20,\n"
  "      \"sentdate\": 1350304897,\n"
  "      \"files\": [],\n"
  "      \"notify\": false,\n"
  "      \"responsestatus\": \"STATUS_COMPLETE\",\n"
  "      \"id\": \"WHVAYVYMFCGUNMT\"\n"
  "    }\n"
  "  ],\n"
  "  \"responsestatus\": \"OK\"\n"
  "}";

static void
test_sent_get_example (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) root = parse (sent_get_example, &error);
  g_autoptr(GListStore) list = NULL;
  g_autoptr(FmTransfer) t = NULL;

  g_assert_no_error (error);
  list = fm_response_parse_transfers (root, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1);
  t = g_list_model_get_item (G_LIST_MODEL (list), 0);
  g_assert_cmpstr (fm_transfer_get_id (t), ==, "JZGRNCULDOIMIVL");
  g_assert_cmpstr (fm_transfer_get_status (t), ==, "STATUS_COMPLETE");
  g_assert_cmpint (fm_transfer_get_expire_date (t), ==, 1350314399);   /* already seconds */
  g_assert_cmpint (fm_transfer_get_sent_date (t), ==, 1350055199);
  g_assert_cmpint (fm_transfer_get_downloads (t), ==, 22);
  g_assert_false (fm_transfer_get_notify (t));
  g_assert_true (fm_transfer_is_expired (t, 1350314399));
  g_assert_false (fm_transfer_is_expired (t, 1350314398));
  g_assert_cmpuint (g_list_model_get_n_items (fm_transfer_get_files (t)), ==, 0);
}

static void
test_received_get_example (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) root = parse (received_get_example, &error);
  g_autoptr(GListStore) list = fm_response_parse_transfers (root, &error);
  g_autoptr(FmTransfer) t = g_list_model_get_item (G_LIST_MODEL (list), 0);

  g_assert_no_error (error);
  g_assert_cmpstr (fm_transfer_get_id (t), ==, "WHVAYVYMFCGUNMT");
  g_assert_null (fm_transfer_get_from (t));          /* missing optional field */
  g_assert_null (fm_transfer_get_url (t));
  g_assert_cmpint (fm_transfer_get_sent_date (t), ==, 1350304897);
}

static void
test_initialize_example (void)
{
  /* The reference's example: the upload URL is on another host than the API. */
  const char *text = "{\n  \"transferid\": \"YSEVQIGGNLJFVFP\",\n"
                     "  \"transferkey\": \"62612b1d95794a87a87e0d6cd4f65a0e\",\n"
                     "  \"transferurl\": \"http://sl21.filemail.com/api/file/add\",\n"
                     "  \"responsestatus\": \"ok\"\n}";
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) root = parse (text, &error);
  g_autoptr(FmTransferTicket) ticket = fm_response_parse_ticket (root, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (ticket->id, ==, "YSEVQIGGNLJFVFP");
  g_assert_cmpstr (ticket->key, ==, "62612b1d95794a87a87e0d6cd4f65a0e");
  g_assert_cmpstr (ticket->url, ==, "http://sl21.filemail.com/api/file/add");
}

static void
test_complete_and_login (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) complete = parse ("{\"responsestatus\": \"ok\", \"downloadurl\": "
                                          "\"https://www.filemail.com/d/HGTUIJBGTRFGJPO\"}", &error);
  g_autofree char *url = fm_response_parse_complete (complete, &error);
  g_autoptr(JsonObject) login = parse ("{\"logintoken\":\"2ac1241817fb4285aa0a1dbd00a21dad\","
                                       "\"responsestatus\":\"ok\"}", &error);
  g_autofree char *token = fm_response_parse_login (login, &error);
  g_autoptr(JsonObject) ok = parse ("{\n  \"responsestatus\": \"ok\"\n}", &error);

  g_assert_no_error (error);
  g_assert_cmpstr (url, ==, "https://www.filemail.com/d/HGTUIJBGTRFGJPO");
  g_assert_cmpstr (token, ==, "2ac1241817fb4285aa0a1dbd00a21dad");
  g_assert_nonnull (ok);
}

/* The reference's complete example lacks a comma between its two members:
 * that is not JSON, and a server sending it would get a clean protocol
 * error rather than a guess. */
static void
test_reference_complete_typo_is_protocol_error (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) root = parse ("{\n  \"responsestatus\": \"ok\"\n  \"downloadurl\": "
                                      "\"https://www.filemail.com/d/HGTUIJBGTRFGJPO\"\n}", &error);

  g_assert_null (root);
  g_assert_error (error, FM_ERROR, FM_ERROR_PROTOCOL);
}

static void
test_error_answers (void)
{
  struct { const char *text; int code; } cases[] = {
    /* as the reference describes: status='error' with errorcode/errorname/errormessage */
    { "{\"status\":\"error\",\"errorcode\":1003,\"errorname\":\"InputParameterMissing\","
      "\"errormessage\":\"Required parameter missing: \\\"logintoken\\\"\"}", 1003 },
    { "{\"responsestatus\":\"error\",\"errorcode\":2001,\"errorname\":\"WrongUsernamePassword\"}", 2001 },
    { "{\"responsestatus\":\"error\",\"errorcode\":\"4002\"}", 4002 },        /* code as a string */
    { "{\"responsestatus\":\"ERROR\"}", 1001 },                                /* no code at all */
    { "{\"responsestatus\":\"ok\",\"errorcode\":2003}", 2003 },                /* contradictory */
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) root = parse (cases[i].text, &error);

      g_assert_null (root);
      g_assert_error (error, FM_ERROR, cases[i].code);
    }
}

static void
test_malformed_answers (void)
{
  const char *cases[] = {
    "",
    "<html><body><h1>502 Bad Gateway</h1></body></html>",
    "{\"responsestatus\": \"ok\", \"transfer\": {\"id\": \"X",     /* truncated */
    "[1, 2, 3]",
    "\"ok\"",
    "{}",
    "{\"responsestatus\": 17}",
    "null",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) root = parse (cases[i], &error);

      g_test_message ("case %" G_GSIZE_FORMAT, i);
      g_assert_null (root);
      /* a page that is no JSON at all is no Filemail answer (a captive
       * portal): its own code, tried again; the rest break the protocol */
      {
        int expected = i == 1 ? FM_ERROR_NOT_FILEMAIL : FM_ERROR_PROTOCOL;
        g_assert_error (error, FM_ERROR, expected);
      }
    }
}

static void
test_wrong_types (void)
{
  const char *transfers[] = {
    "{\"responsestatus\":\"ok\",\"transfer\":[]}",
    "{\"responsestatus\":\"ok\",\"transfer\":{\"id\":42}}",
    "{\"responsestatus\":\"ok\",\"transfer\":{\"id\":\"A\",\"files\":[17]}}",
    "{\"responsestatus\":\"ok\",\"transfer\":{\"id\":\"A\",\"files\":[{\"filename\":\"x\"}]}}",
    "{\"responsestatus\":\"ok\"}",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (transfers); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) root = parse (transfers[i], &error);
      g_autoptr(FmTransfer) t = NULL;

      g_assert_no_error (error);
      t = fm_response_parse_transfer (root, &error);
      g_assert_null (t);
      g_assert_error (error, FM_ERROR, FM_ERROR_PROTOCOL);
    }
}

static void
test_lenient_values (void)
{
  /* Numbers as strings or doubles, booleans as strings: a server that is
   * sloppy with types is still understood. */
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) root = parse (
    "{\"responsestatus\":\"Ok\",\"transfer\":{\"id\":\"A\",\"downloads\":\"3\",\"size\":12.0,"
    "\"notify\":\"True\",\"sentdate\":\"1350055199000\",\"to\":\"a@x.no, b@y.no\","
    "\"files\":[{\"fileid\":\"f\",\"filesize\":-5}]}}", &error);
  g_autoptr(FmTransfer) t = fm_response_parse_transfer (root, &error);
  g_autoptr(FmTransferFile) f = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (fm_transfer_get_downloads (t), ==, 3);
  g_assert_cmpint (fm_transfer_get_size (t), ==, 12);
  g_assert_true (fm_transfer_get_notify (t));
  g_assert_cmpint (fm_transfer_get_sent_date (t), ==, 1350055199);
  /* "to" is no field of the reference: never read, never trusted */
  g_assert_null (fm_transfer_get_to (t)[0]);
  g_assert_false (fm_transfer_get_recipients_known (t));
  f = g_list_model_get_item (fm_transfer_get_files (t), 0);
  /* a negative size is nonsense: unknown (-1), so the file still downloads (not 0, which it never could) */
  g_assert_cmpint (fm_transfer_file_get_filesize (f), ==, -1);
  g_assert_cmpstr (fm_transfer_file_get_filename (f), ==, "");
}

static void
test_missing_ticket_fields (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) root = parse ("{\"responsestatus\":\"ok\",\"transferid\":\"A\",\"transferkey\":\"k\"}", &error);
  g_autoptr(FmTransferTicket) ticket = fm_response_parse_ticket (root, &error);

  g_assert_null (ticket);
  g_assert_error (error, FM_ERROR, FM_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "transferurl"));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/response/transfer-get-example", test_transfer_get_example);
  g_test_add_func ("/response/sent-get-example", test_sent_get_example);
  g_test_add_func ("/response/received-get-example", test_received_get_example);
  g_test_add_func ("/response/initialize-example", test_initialize_example);
  g_test_add_func ("/response/complete-and-login", test_complete_and_login);
  g_test_add_func ("/response/reference-complete-typo", test_reference_complete_typo_is_protocol_error);
  g_test_add_func ("/response/error-answers", test_error_answers);
  g_test_add_func ("/response/malformed", test_malformed_answers);
  g_test_add_func ("/response/wrong-types", test_wrong_types);
  g_test_add_func ("/response/lenient-values", test_lenient_values);
  g_test_add_func ("/response/missing-ticket-fields", test_missing_ticket_fields);
  return g_test_run ();
}
