/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-cli-transfers.c: login, logout and managing transfers */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "fm-disk-space.h"
#include "fm-account.h"
#include "fm-details-loader.h"
#include "fm-sent-history.h"
#include "fm-cli.h"
#include "fm-error.h"
#include "fm-format.h"

/* ----------------------------------------------------------------- login */

int
fm_cli_login (FmCli  *cli,
              int     argc,
              char  **argv)
{
  g_autofree char *username = NULL, *password = NULL;
  gboolean password_stdin = FALSE;
  GOptionEntry entries[] = {
    { "username", 'u', 0, G_OPTION_ARG_STRING, &username, N_("Your e-mail address"), N_("EMAIL") },
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &password_stdin, N_("Read the password from standard input"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = fm_cli_option_context ("login", NULL,
    _("Log in. The login is kept in the keyring (Secret Service); where none runs, in a file only you can read."), entries);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  FmAccountStorage storage;
  int status;

  if (!fm_cli_parse (context, "login", &argc, &argv, &status))
    return status;
  /* at a terminal, asked for like the password; in a script, required */
  if (username == NULL && !password_stdin && isatty (STDIN_FILENO))
    {
      g_printerr (_("E-mail address: "));
      username = fm_cli_read_line (stdin);
    }
  if (username == NULL || *g_strstrip (username) == '\0')
    return fm_cli_usage_error ("login", _("--username is required"));
  password = password_stdin ? fm_cli_read_line (stdin) : fm_cli_prompt_password (_("Password: "));
  if (password == NULL)
    return fm_cli_usage_error ("login", _("no terminal to ask for the password on: use --password-stdin"));
  fm_session_login_async (cli->session, username, password, cli->cancellable, fm_cli_async_cb, &result);
  memset (password, 0, strlen (password));
  if (!fm_session_login_finish (cli->session, fm_cli_await (&result), &error))
    return fm_cli_fail (error);
  g_clear_object (&result);
  {
    g_autoptr(GCancellable) keyring = g_cancellable_new ();

    fm_session_keep_login_async (cli->session, keyring, fm_cli_async_cb, &result);
    if (!fm_cli_await_keyring (&result, keyring))
      return FM_CLI_EXIT_ERROR;
    if (!fm_session_keep_login_finish (cli->session, result, &storage, &error))
      return fm_cli_fail (error);
  }
  if (storage == FM_ACCOUNT_STORED_FILE)
    g_printerr (_("filemail: warning: no keyring (Secret Service) is running; the login is kept in a "
                  "file only you can read, in %s.\n"), g_get_user_state_dir ());
  g_print (_("Logged in as %s.\n"), username);
  return FM_CLI_EXIT_OK;
}

int
fm_cli_logout (FmCli  *cli,
               int     argc,
               char  **argv)
{
  g_autoptr(GOptionContext) context = fm_cli_option_context ("logout", NULL,
    _("Log out and forget the stored login."), NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) server_error = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok;
  int status;

  if (!fm_cli_parse (context, "logout", &argc, &argv, &status))
    return status;
  if (!fm_session_is_logged_in (cli->session))
    {
      g_print (_("Not logged in.\n"));
      return FM_CLI_EXIT_OK;
    }
  fm_session_logout_async (cli->session, cli->cancellable, fm_cli_async_cb, &result);
  ok = fm_session_logout_finish (cli->session, fm_cli_await (&result), &server_error, &error);
  if (server_error != NULL)
    g_printerr (_("filemail: the server did not confirm the logout: %s\n"), server_error->message);
  if (!ok)
    return fm_cli_fail (error);
  g_print (_("Logged out.\n"));
  return FM_CLI_EXIT_OK;
}

/* ------------------------------------------------------------- transfers */

static char *
format_date (gint64 unix_time)
{
  g_autoptr(GDateTime) date = unix_time > 0 ? g_date_time_new_from_unix_local (unix_time) : NULL;

  return date != NULL ? g_date_time_format (date, "%Y-%m-%d %H:%M") : g_strdup ("-");
}

static void
add_string (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
add_int (JsonBuilder *b, const char *name, gint64 value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

static void
add_optional_int (JsonBuilder *b, const char *name, gint64 value, gboolean known)
{
  json_builder_set_member_name (b, name);
  if (known)
    json_builder_add_int_value (b, value);
  else
    json_builder_add_null_value (b);
}

/* The list's fields and, once transfer/get answered, its own; what nobody
 * said is null: "to" is known only for transfers sent from this computer. */
static void
build_transfer_json (JsonBuilder *b,
                     FmTransfer  *t,
                     gboolean     with_files)
{
  GListModel *files = fm_transfer_get_files (t);
  gboolean details = fm_transfer_get_details_loaded (t);

  json_builder_begin_object (b);
  add_string (b, "id", fm_transfer_get_id (t));
  add_string (b, "from", fm_transfer_get_from (t));
  json_builder_set_member_name (b, "to");
  if (fm_transfer_get_recipients_known (t))
    {
      json_builder_begin_array (b);
      for (const char * const *to = fm_transfer_get_to (t); *to; to++)
        json_builder_add_string_value (b, *to);
      json_builder_end_array (b);
    }
  else
    json_builder_add_null_value (b);
  add_string (b, "subject", fm_transfer_get_subject (t));
  add_string (b, "message", fm_transfer_get_message (t));
  add_int (b, "sentdate", fm_transfer_get_sent_date (t));
  add_int (b, "expiredate", fm_transfer_get_expire_date (t));
  add_int (b, "downloads", fm_transfer_get_downloads (t));
  add_string (b, "status", fm_transfer_get_status (t));
  if (fm_client_url_is_safe_to_open (fm_transfer_get_url (t)))
    add_string (b, "url", fm_transfer_get_url (t));
  else if (fm_transfer_get_url (t) != NULL)
    {
      g_autofree char *refused = fm_format_display_text (fm_transfer_get_url (t));

      add_string (b, "refused_link", refused);
    }
  add_optional_int (b, "size", fm_transfer_get_size (t), fm_transfer_get_size (t) >= 0);
  add_optional_int (b, "filecount", fm_transfer_get_n_files (t), details);
  if (with_files)
    {
      json_builder_set_member_name (b, "files");
      json_builder_begin_array (b);
      for (guint i = 0; i < g_list_model_get_n_items (files); i++)
        {
          g_autoptr(FmTransferFile) f = g_list_model_get_item (files, i);

          json_builder_begin_object (b);
          add_string (b, "fileid", fm_transfer_file_get_id (f));
          add_string (b, "filename", fm_transfer_file_get_filename (f));
          add_optional_int (b, "filesize", fm_transfer_file_get_filesize (f), fm_transfer_file_get_filesize (f) >= 0);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
    }
  json_builder_end_object (b);
}

/* Server text never reaches the terminal raw: ESC sequences (a title,
 * a cleared line, OSC 52 writing the clipboard), carriage returns and bidi
 * controls are shown, not obeyed (fm_format_display_text). */
static void
print_field (const char *label,
             const char *server_text)
{
  g_autofree char *clean = fm_format_display_text (server_text);

  g_print ("%s %s\n", label, clean);
}

static char *
format_file_size (gint64 size)
{
  return fm_format_size (size) ?: g_strdup (_("unknown"));
}

static void
print_transfer (FmTransfer *t)
{
  g_autofree char *sent = format_date (fm_transfer_get_sent_date (t));
  g_autofree char *expires = format_date (fm_transfer_get_expire_date (t));
  g_autofree char *size = format_file_size (fm_transfer_get_size (t));
  g_autofree char *downloads = g_strdup_printf ("%lld", (long long) fm_transfer_get_downloads (t));
  GListModel *files = fm_transfer_get_files (t);

  print_field (_("Transfer  "), fm_transfer_get_id (t));
  /* transfer/get's answer has no subject and never says who it went to:
   * a line only for what is known */
  if (fm_transfer_get_subject (t) != NULL)
    print_field (_("Subject   "), fm_transfer_get_subject (t));
  print_field (_("From      "), fm_transfer_get_from (t));
  if (fm_transfer_get_recipients_known (t))
    {
      g_autofree char *to = g_strjoinv (", ", (char **) fm_transfer_get_to (t));
      print_field (_("To        "), *to ? to : _("nobody (a link only)"));
    }
  print_field (_("Sent      "), sent);
  print_field (_("Expires   "), expires);
  print_field (_("Downloads "), downloads);
  print_field (_("Status    "), fm_format_transfer_state (fm_transfer_get_status (t)));
  if (fm_transfer_get_url (t) == NULL || fm_client_url_is_safe_to_open (fm_transfer_get_url (t)))
    print_field (_("Link      "), fm_transfer_get_url (t));
  else
    {
      g_autofree char *sentence = fm_format_refused_link (fm_transfer_get_url (t));

      print_field (_("Link      "), sentence);
    }
  print_field (_("Size      "), size);
  for (guint i = 0; i < g_list_model_get_n_items (files); i++)
    {
      g_autoptr(FmTransferFile) f = g_list_model_get_item (files, i);
      g_autofree char *fsize = format_file_size (fm_transfer_file_get_filesize (f));
      g_autofree char *id = fm_format_display_text (fm_transfer_file_get_id (f));
      g_autofree char *name = fm_format_display_text (fm_transfer_file_get_filename (f));

      g_print ("  %-34s %10s  %s\n", id, fsize, name);
    }
}

FmTransfer *
fm_cli_get_transfer (FmCli       *cli,
                     const char  *id,
                     const char  *password,
                     GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  fm_client_transfer_get_async (cli->client, id, password, cli->cancellable, fm_cli_async_cb, &result);
  return fm_client_transfer_get_finish (cli->client, fm_cli_await (&result), error);
}

/* transfer/get's answer has no subject: the lists have it. Logged in, the
 * transfer is looked up in what was sent, then in what was received, and
 * transfer/get's answer merged into that item. */
static FmTransfer *
with_list_item (FmCli      *cli,
                FmTransfer *details)
{
  g_autoptr(FmTransfer) owned = details;

  if (!fm_session_is_logged_in (cli->session))
    return g_steal_pointer (&owned);
  for (int sent = 1; sent >= 0; sent--)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GListModel) list = NULL;

      if (sent)
        fm_client_sent_get_async (cli->client, TRUE, FALSE, cli->cancellable, fm_cli_async_cb, &result);
      else
        fm_client_received_get_async (cli->client, FALSE, 0, cli->cancellable, fm_cli_async_cb, &result);
      list = sent ? fm_client_sent_get_finish (cli->client, fm_cli_await (&result), NULL)
                  : fm_client_received_get_finish (cli->client, fm_cli_await (&result), NULL);
      for (guint i = 0; list != NULL && i < g_list_model_get_n_items (list); i++)
        {
          g_autoptr(FmTransfer) item = g_list_model_get_item (list, i);

          if (!fm_transfer_id_equal (fm_transfer_get_id (item), fm_transfer_get_id (details)))
            continue;
          fm_transfer_merge_details (item, details);
          return g_steal_pointer (&item);
        }
    }
  return g_steal_pointer (&owned);
}

int
fm_cli_password_hint (const GError *error)
{
  int status = fm_cli_fail (error);

  if (g_error_matches (error, FM_ERROR, FM_ERROR_PASSWORD_REQUIRED))
    g_printerr (_("Give the transfer's password with --ask-password or --password-file FILE.\n"));
  return status;
}

int
fm_cli_transfer (FmCli  *cli,
                 int     argc,
                 char  **argv)
{
  g_autofree char *password = NULL, *password_file = NULL;
  gboolean json = FALSE, ask = FALSE;
  GOptionEntry entries[] = {
    FM_CLI_PASSWORD_OPTIONS (password, password_file, ask),
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print as JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = fm_cli_option_context ("transfer", N_("ID|LINK"),
    _("Show a transfer and its files."), entries);
  g_autoptr(GError) error = NULL;
  g_autoptr(FmTransfer) transfer = NULL;
  int status;
  const char *id;

  if (!fm_cli_parse (context, "transfer", &argc, &argv, &status))
    return status;
  if (argc != 2)
    return fm_cli_usage_error ("transfer", _("name one transfer id"));
  if ((id = fm_cli_transfer_id (cli, argv[1], &status)) == NULL)
    return status;
  if (!fm_cli_get_password ("transfer", &password, password_file, ask, &status))
    return status;
  transfer = fm_cli_get_transfer (cli, id, password, &error);
  if (transfer == NULL)
    return fm_cli_password_hint (error);
  fm_cli_remember_link (cli, argv[1], transfer);
  transfer = with_list_item (cli, g_steal_pointer (&transfer));
  {
    g_autoptr(FmSentHistory) history = fm_sent_history_new_default ();
    g_auto(GStrv) to = fm_sent_history_lookup (history, fm_transfer_get_id (transfer));

    if (to != NULL)
      fm_transfer_set_recipients (transfer, (const char * const *) to);
  }
  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      build_transfer_json (b, transfer, TRUE);
      root = json_builder_get_root (b);
      fm_cli_print_json (root);
    }
  else
    print_transfer (transfer);
  return FM_CLI_EXIT_OK;
}

/* transfer/get for every item, at most FM_DETAILS_MAX_IN_FLIGHT at once:
 * the lists carry no size, files or (received) sender. Ctrl-C stops it. */
static gboolean
load_details (FmCli       *cli,
              GListModel  *list,
              GError     **error)
{
  g_autoptr(FmDetailsLoader) loader = fm_details_loader_new (cli->client);

  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(FmTransfer) t = g_list_model_get_item (list, i);
      fm_details_loader_want (loader, t);
    }
  while (!fm_details_loader_is_idle (loader) && !g_cancellable_is_cancelled (cli->cancellable))
    g_main_context_iteration (NULL, TRUE);
  fm_details_loader_reset (loader);
  return !g_cancellable_set_error_if_cancelled (cli->cancellable, error);
}

static char *
recipients_column (FmTransfer *t)
{
  if (!fm_transfer_get_recipients_known (t))
    return g_strdup ("-");       /* sent from elsewhere: the API does not say */
  return fm_format_recipients (fm_transfer_get_to (t)) ?: g_strdup (_("link only"));
}

static int
print_list (FmCli      *cli,
            GListModel *list,
            gboolean    sent,
            gboolean    json)
{
  g_autoptr(GError) error = NULL;
  guint n = g_list_model_get_n_items (list);

  if (sent)
    {
      g_autoptr(FmSentHistory) history = fm_sent_history_new_default ();
      fm_sent_history_apply (history, list);
    }
  if (!load_details (cli, list, &error))
    return fm_cli_fail (error);
  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_array (b);
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(FmTransfer) t = g_list_model_get_item (list, i);
          build_transfer_json (b, t, FALSE);
        }
      json_builder_end_array (b);
      root = json_builder_get_root (b);
      fm_cli_print_json (root);
      return FM_CLI_EXIT_OK;
    }
  if (n == 0)
    {
      g_print (_("No transfers.\n"));
      return FM_CLI_EXIT_OK;
    }
  g_print ("%-16s %-16s  %-16s  %9s  %5s  %4s  %-24s %s\n", _("ID"), _("SENT"), _("EXPIRES"), _("SIZE"),
           _("FILES"), _("DL"), sent ? _("TO") : _("FROM"), _("SUBJECT"));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FmTransfer) t = g_list_model_get_item (list, i);
      g_autofree char *date = format_date (fm_transfer_get_sent_date (t));
      g_autofree char *expires = format_date (fm_transfer_get_expire_date (t));
      g_autofree char *size = fm_format_size (fm_transfer_get_size (t)) ?: g_strdup ("-");
      g_autofree char *files = fm_transfer_get_details_loaded (t)
                               ? g_strdup_printf ("%u", fm_transfer_get_n_files (t)) : g_strdup ("-");
      g_autofree char *people = sent ? recipients_column (t) : g_strdup (fm_transfer_get_from (t)
                                                                          ? fm_transfer_get_from (t) : "-");
      g_autofree char *id = fm_format_display_text (fm_transfer_get_id (t));
      g_autofree char *who = fm_format_display_text (people);
      g_autofree char *subject = fm_format_display_text (fm_transfer_get_subject (t));

      g_print ("%-16s %-16s  %-16s  %9s  %5s  %4" G_GINT64_FORMAT "  %-24s %s\n", id, date, expires,
               size, files, fm_transfer_get_downloads (t), who, subject);
    }
  return FM_CLI_EXIT_OK;
}

int
fm_cli_sent (FmCli  *cli,
             int     argc,
             char  **argv)
{
  gboolean expired = FALSE, json = FALSE, all = FALSE;
  GOptionEntry entries[] = {
    { "expired", 0, 0, G_OPTION_ARG_NONE, &expired, N_("Include expired transfers"), NULL },
    { "all-users", 0, 0, G_OPTION_ARG_NONE, &all, N_("Every user of the company (administrators)"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print as JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = fm_cli_option_context ("sent", NULL,
    _("List the transfers you sent: id, sent, expires, size, files, downloads, recipients (when sent "
      "from this computer), subject."), entries);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) list = NULL;
  int status;

  if (!fm_cli_parse (context, "sent", &argc, &argv, &status) || !fm_cli_require_login (cli, &status))
    return status;
  fm_client_sent_get_async (cli->client, expired, all, cli->cancellable, fm_cli_async_cb, &result);
  list = fm_client_sent_get_finish (cli->client, fm_cli_await (&result), &error);
  return list != NULL ? print_list (cli, list, TRUE, json) : fm_cli_fail (error);
}

int
fm_cli_received (FmCli  *cli,
                 int     argc,
                 char  **argv)
{
  gboolean json = FALSE, all = FALSE;
  GOptionEntry entries[] = {
    { "all-users", 0, 0, G_OPTION_ARG_NONE, &all, N_("Every user of the company (administrators)"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print as JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = fm_cli_option_context ("received", NULL,
    _("List the transfers you received: id, sent, expires, size, files, downloads, sender, subject."), entries);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) list = NULL;
  int status;

  if (!fm_cli_parse (context, "received", &argc, &argv, &status) || !fm_cli_require_login (cli, &status))
    return status;
  fm_client_received_get_async (cli->client, all, 0, cli->cancellable, fm_cli_async_cb, &result);
  list = fm_client_received_get_finish (cli->client, fm_cli_await (&result), &error);
  return list != NULL ? print_list (cli, list, FALSE, json) : fm_cli_fail (error);
}

/* -------------------------------------------------------------- changes */

/* The simple calls: one request, "Done." or the error. */
static int
finish_simple (gboolean      ok,
               const GError *error,
               const char   *done)
{
  if (!ok)
    return fm_cli_fail (error);
  g_print ("%s\n", done);
  return FM_CLI_EXIT_OK;
}

int
fm_cli_forward (FmCli  *cli,
                int     argc,
                char  **argv)
{
  g_autofree char *to = NULL, *bad = NULL;
  GOptionEntry entries[] = {
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, N_("Recipients, comma-separated"), N_("LIST") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = fm_cli_option_context ("forward", N_("ID|LINK"),
    _("Send a transfer on to more recipients."), entries);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  int status;
  const char *id;
  gboolean ok;

  if (!fm_cli_parse (context, "forward", &argc, &argv, &status))
    return status;
  if (argc != 2 || to == NULL || *to == '\0')
    return fm_cli_usage_error ("forward", _("name one transfer id and --to"));
  if ((id = fm_cli_transfer_id (cli, argv[1], &status)) == NULL)
    return status;
  if (!fm_email_list_validate (to, &bad))
    return fm_cli_usage_error ("forward", _("“%s” is not an e-mail address"), bad);
  if (!fm_cli_require_login (cli, &status))
    return status;
  fm_client_transfer_forward_async (cli->client, id, to, cli->cancellable, fm_cli_async_cb, &result);
  ok = fm_client_transfer_forward_finish (cli->client, fm_cli_await (&result), &error);
  if (ok)
    {
      g_autoptr(FmSentHistory) history = fm_sent_history_new_default ();
      g_autoptr(GError) history_error = NULL;

      if (!fm_sent_history_add_recipients (history, id, to, &history_error))
        g_printerr (_("filemail: warning: %s\n"), history_error->message);
    }
  return finish_simple (ok, error, _("Forwarded."));
}

/* update's "days": the reference says "How many days the transfer can be
 * downloaded" and not from when. This client counts them from the sent
 * date, as initialize's are (HACKING.md, "Where the reference is
 * silent"); the date that comes to is said first, and a number whose
 * days have passed already (the transfer would end at once) is refused
 * without --yes. */
static gboolean
check_days (FmCli      *cli,
            const char *id,
            int         days,
            gboolean    yes,
            int        *status)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FmTransfer) t = fm_cli_get_transfer (cli, id, NULL, &error);
  gint64 sent = t != NULL ? fm_transfer_get_sent_date (t) : 0;
  g_autofree char *until = NULL, *when = NULL;

  if (t == NULL)
    {
      *status = fm_cli_fail (error);
      return FALSE;
    }
  if (sent <= 0)
    return TRUE;
  until = fm_format_date (sent + (gint64) days * 86400);
  when = fm_format_date (sent);
  if (sent + (gint64) days * 86400 > g_get_real_time () / G_USEC_PER_SEC)
    {
      g_printerr (_("Available until %s (%d days from when it was sent, %s).\n"), until, days, when);
      return TRUE;
    }
  if (yes)
    return TRUE;
  g_printerr (_("filemail: %d days from when it was sent (%s) ended on %s: the transfer would expire at once. "
                "Give more days, or --yes to end it now.\n"), days, when, until);
  *status = FM_CLI_EXIT_ERROR;
  return FALSE;
}

/* What the server made of it: its own expiry date, read back. */
static void
say_expiry (FmCli      *cli,
            const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FmTransfer) t = fm_cli_get_transfer (cli, id, NULL, &error);
  g_autofree char *until = t != NULL ? fm_format_date (fm_transfer_get_expire_date (t)) : NULL;

  if (until != NULL)
    g_print (_("The server keeps it until %s.\n"), until);
  else if (g_error_matches (error, FM_ERROR, FM_ERROR_TRANSFER_EXPIRED))
    g_print (_("The transfer has expired.\n"));
}

int
fm_cli_update (FmCli  *cli,
               int     argc,
               char  **argv)
{
  g_autofree char *subject = NULL, *message = NULL;
  int days = -1, status;
  gboolean notify = FALSE, no_notify = FALSE, yes = FALSE, ok;
  GOptionEntry entries[] = {
    { "subject", 0, 0, G_OPTION_ARG_STRING, &subject, N_("New subject"), N_("S") },
    { "message", 0, 0, G_OPTION_ARG_STRING, &message, N_("New message"), N_("M") },
    { "days", 0, 0, G_OPTION_ARG_INT, &days,
      N_("Downloadable for N days counted from when it was sent, as when sending"), N_("N") },
    { "yes", 0, 0, G_OPTION_ARG_NONE, &yes, N_("Also when --days makes the transfer expire at once"), NULL },
    { "notify", 0, 0, G_OPTION_ARG_NONE, &notify, N_("E-mail me on every download"), NULL },
    { "no-notify", 0, 0, G_OPTION_ARG_NONE, &no_notify, N_("Stop e-mailing me on downloads"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = fm_cli_option_context ("update", N_("ID|LINK"),
    _("Change a sent transfer."), entries);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  FmTransferUpdate update = FM_TRANSFER_UPDATE_INIT;
  const char *id;

  if (!fm_cli_parse (context, "update", &argc, &argv, &status))
    return status;
  if (argc != 2)
    return fm_cli_usage_error ("update", _("name one transfer id"));
  if ((id = fm_cli_transfer_id (cli, argv[1], &status)) == NULL)
    return status;
  if (notify && no_notify)
    return fm_cli_usage_error ("update", _("--notify and --no-notify contradict each other"));
  if (days != -1 && (days < 1 || days > FM_TRANSFER_DAYS_MAX))
    return fm_cli_usage_error ("update", _("--days must be between 1 and %d"), FM_TRANSFER_DAYS_MAX);
  if (!fm_transfer_check_subject (subject, &error))
    return fm_cli_usage_error ("update", "%s", error->message);
  if (subject == NULL && message == NULL && days < 0 && !notify && !no_notify)
    return fm_cli_usage_error ("update", _("nothing to change: give --subject, --message, --days or --[no-]notify"));
  if (!fm_cli_require_login (cli, &status))
    return status;
  if (days > 0 && !check_days (cli, id, days, yes, &status))
    return status;
  update.subject = subject;
  update.message = message;
  update.days = days;
  update.notify = notify ? 1 : no_notify ? 0 : -1;
  fm_client_transfer_update_async (cli->client, id, &update, cli->cancellable, fm_cli_async_cb, &result);
  ok = fm_client_transfer_update_finish (cli->client, fm_cli_await (&result), &error);
  if (ok && days > 0)
    say_expiry (cli, id);
  return finish_simple (ok, error, _("Updated."));
}

int
fm_cli_delete (FmCli  *cli,
               int     argc,
               char  **argv)
{
  g_autoptr(GOptionContext) context = fm_cli_option_context ("delete", N_("ID|LINK"),
    _("Delete a sent transfer and its files."), NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  int status;
  const char *id;
  gboolean ok;

  if (!fm_cli_parse (context, "delete", &argc, &argv, &status))
    return status;
  if (argc != 2)
    return fm_cli_usage_error ("delete", _("name one transfer id"));
  if ((id = fm_cli_transfer_id (cli, argv[1], &status)) == NULL)
    return status;
  if (!fm_cli_require_login (cli, &status))
    return status;
  fm_client_transfer_delete_async (cli->client, id, cli->cancellable, fm_cli_async_cb, &result);
  ok = fm_client_transfer_delete_finish (cli->client, fm_cli_await (&result), &error);
  return finish_simple (ok, error, _("Deleted."));
}

int
fm_cli_rename_file (FmCli  *cli,
                    int     argc,
                    char  **argv)
{
  g_autoptr(GOptionContext) context = fm_cli_option_context ("rename-file", N_("FILEID NAME"),
    _("Rename a file in a sent transfer. Names cannot contain < > : \" / \\ | ? *"), NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  int status;
  gboolean ok;

  if (!fm_cli_parse (context, "rename-file", &argc, &argv, &status))
    return status;
  if (argc != 3)
    return fm_cli_usage_error ("rename-file", _("name the file id and the new name"));
  if (!fm_filename_is_valid_for_rename (argv[2]))
    return fm_cli_usage_error ("rename-file", _("a file name cannot be empty or contain < > : \" / \\ | ? *"));
  if (!fm_cli_require_login (cli, &status))
    return status;
  fm_client_file_rename_async (cli->client, argv[1], argv[2], cli->cancellable, fm_cli_async_cb, &result);
  ok = fm_client_file_rename_finish (cli->client, fm_cli_await (&result), &error);
  return finish_simple (ok, error, _("Renamed."));
}

int
fm_cli_delete_file (FmCli  *cli,
                    int     argc,
                    char  **argv)
{
  g_autoptr(GOptionContext) context = fm_cli_option_context ("delete-file", N_("TRANSFER FILEID"),
    _("Remove a file from a sent transfer, and update the transfer's ZIP file so that it is gone "
      "from there too."), NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  int status;
  const char *id;

  if (!fm_cli_parse (context, "delete-file", &argc, &argv, &status))
    return status;
  if (argc != 3)
    return fm_cli_usage_error ("delete-file", _("name the transfer and the file: filemail delete-file TRANSFER FILEID "
                                                "(the transfer's ZIP file is updated too)"));
  if ((id = fm_cli_transfer_id (cli, argv[1], &status)) == NULL)
    return status;
  if (!fm_cli_require_login (cli, &status))
    return status;
  fm_client_file_remove_async (cli->client, id, argv[2], cli->cancellable, fm_cli_async_cb, &result);
  if (!fm_client_file_remove_finish (cli->client, fm_cli_await (&result), &error) &&
      g_error_matches (error, FM_ERROR, FM_ERROR_ZIP_NOT_UPDATED))
    {
      g_autofree char *shown = fm_format_display_text (id);

      g_printerr (_("filemail: %s\nTry again with: filemail update-zip %s\n"), error->message, shown);
      if (fm_cli_verbose && fm_error_get_detail (error) != NULL)
        g_printerr ("%s\n", fm_error_get_detail (error));
      return FM_CLI_EXIT_ERROR;
    }
  return finish_simple (error == NULL, error, _("Removed."));
}

int
fm_cli_update_zip (FmCli  *cli,
                   int     argc,
                   char  **argv)
{
  g_autoptr(GOptionContext) context = fm_cli_option_context ("update-zip", N_("TRANSFER"),
    _("Make the transfer's ZIP file match its files again (after a file was removed)."), NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  int status;
  const char *id;
  gboolean ok;

  if (!fm_cli_parse (context, "update-zip", &argc, &argv, &status))
    return status;
  if (argc != 2)
    return fm_cli_usage_error ("update-zip", _("name one transfer"));
  if ((id = fm_cli_transfer_id (cli, argv[1], &status)) == NULL)
    return status;
  if (!fm_cli_require_login (cli, &status))
    return status;
  fm_client_ziptransfer_async (cli->client, id, cli->cancellable, fm_cli_async_cb, &result);
  ok = fm_client_ziptransfer_finish (cli->client, fm_cli_await (&result), &error);
  return finish_simple (ok, error, _("The ZIP file is up to date."));
}

