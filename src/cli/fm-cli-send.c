/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-cli-send.c: send, resume, queue, cancel */
#include <stdio.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "fm-chunk-plan.h"
#include "fm-cli.h"
#include "fm-cli-qr.h"
#include "fm-config.h"
#include "fm-format.h"

typedef struct {
  FmCliProgress *progress;
  FmUploadJob   *job;
} Watch;

static char *
status_text (FmUploadJob *job)
{
  FmUploadState state = fm_upload_job_get_state (job);
  guint wait = fm_upload_job_get_retry_wait (job);

  /* a call that failed and waits to go again says so, at once */
  if (wait > 0 && (state == FM_UPLOAD_STATE_INITIALIZING || state == FM_UPLOAD_STATE_COMPLETING))
    return g_strdup_printf (_("cannot reach the server, retrying in %u s"), wait);
  switch (state)
    {
    case FM_UPLOAD_STATE_INITIALIZING: return g_strdup (_("preparing…"));
    case FM_UPLOAD_STATE_WAITING_FOR_NETWORK: return g_strdup (_("waiting for the network…"));
    case FM_UPLOAD_STATE_COMPLETING: return g_strdup (_("finishing…"));
    default: return NULL;
    }
}

static void
job_progress_cb (FmUploadJob *job,
                 GParamSpec  *pspec,
                 Watch       *watch)
{
  g_autofree char *status = NULL;

  if (!fm_upload_state_is_active (fm_upload_job_get_state (job)))
    return;
  status = status_text (job);
  fm_cli_progress_update (watch->progress, fm_upload_job_get_bytes_sent (job),
                          fm_upload_job_get_bytes_total (job), fm_upload_job_get_speed (job),
                          fm_upload_job_get_eta (job), status);
}

/* A retry's wait changes nothing the job notifies: count it down here. */
static gboolean
wait_tick_cb (gpointer data)
{
  Watch *watch = data;

  job_progress_cb (watch->job, NULL, watch);
  return G_SOURCE_CONTINUE;
}

static void
flush_store (FmUploadQueue *queue)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  fm_queue_store_flush_async (fm_upload_queue_get_store (queue), NULL, fm_cli_async_cb, &result);
  if (!fm_queue_store_flush_finish (fm_upload_queue_get_store (queue), fm_cli_await (&result), &error))
    g_printerr (_("filemail: the upload could not be saved for later: %s\n"), error->message);
}

static void
print_result (FmUploadJob *job,
              gboolean     json,
              gboolean     qr,
              double       seconds)
{
  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "transferid");
      json_builder_add_string_value (b, fm_upload_job_get_transfer_id (job));
      json_builder_set_member_name (b, "url");
      json_builder_add_string_value (b, fm_upload_job_get_download_url (job));
      if (fm_upload_job_get_refused_link (job) != NULL)
        {
          g_autofree char *refused = fm_format_display_text (fm_upload_job_get_refused_link (job));

          json_builder_set_member_name (b, "refused_link");
          json_builder_add_string_value (b, refused);
        }
      json_builder_set_member_name (b, "files");
      json_builder_add_int_value (b, fm_upload_job_get_n_files (job));
      json_builder_set_member_name (b, "bytes");
      json_builder_add_int_value (b, fm_upload_job_get_bytes_total (job));
      json_builder_set_member_name (b, "seconds");
      json_builder_add_double_value (b, seconds);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      fm_cli_print_json (root);
      fflush (stdout);
      return;
    }
  g_autofree char *id = fm_format_display_text (fm_upload_job_get_transfer_id (job));
  g_autofree char *link = fm_format_display_text (fm_upload_job_get_download_url (job));

  g_print (_("Sent transfer %s\n%s\n"), id, link);
  /* no web link: never printed as one, never drawn */
  if (fm_upload_job_get_refused_link (job) != NULL)
    {
      g_autofree char *sentence = fm_format_refused_link (fm_upload_job_get_refused_link (job));

      g_printerr ("filemail: %s\n", sentence);
    }
  /* for a phone: its camera opens the link */
  else if (qr && *fm_upload_job_get_download_url (job) != '\0')
    fm_cli_print_qr (stdout, fm_upload_job_get_download_url (job), isatty (STDOUT_FILENO));
  fflush (stdout);
}

/* Runs one job to its end with a live progress display. Ctrl-C pauses it
 * and leaves it saved for `filemail resume`. */
static int
run_job (FmCli         *cli,
         FmUploadQueue *queue,
         FmUploadJob   *job,
         gboolean       json,
         gboolean       qr)
{
  g_autofree char *title = fm_upload_job_dup_title (job);
  g_autoptr(FmCliProgress) progress = fm_cli_progress_new (stderr, title);   /* results on stdout, progress never */
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  Watch watch = { progress, job };
  gint64 start = g_get_monotonic_time ();
  gboolean ok;
  guint tick;

  g_signal_connect (job, "notify::bytes-sent", G_CALLBACK (job_progress_cb), &watch);
  g_signal_connect (job, "notify::state", G_CALLBACK (job_progress_cb), &watch);
  g_signal_connect (job, "notify::retry-wait", G_CALLBACK (job_progress_cb), &watch);
  tick = g_timeout_add_seconds (1, wait_tick_cb, &watch);
  fm_upload_job_run_async (job, cli->cancellable, fm_cli_async_cb, &result);
  ok = fm_upload_job_run_finish (job, fm_cli_await (&result), &error);
  g_source_remove (tick);
  g_signal_handlers_disconnect_by_data (job, &watch);
  fm_cli_progress_finish (progress);
  /* the link is out (flushed) before the finished job leaves the disk
   * (the queue keeps finished jobs saved: open_queue): killed in between,
   * the next resume still finds the job and prints its link, where the
   * other order could lose the link for good */
  if (ok)
    {
      print_result (job, json, qr, (g_get_monotonic_time () - start) / 1e6);
      fm_upload_queue_remove (queue, job);
    }
  flush_store (queue);
  if (ok)
    return FM_CLI_EXIT_OK;
  if (fm_upload_job_get_state (job) == FM_UPLOAD_STATE_PAUSED)
    {
      g_printerr (_("Paused. Run “filemail resume” to send the rest.\n"));
      return FM_CLI_EXIT_INTERRUPTED;
    }
  /* Failed before the server knew of it: there is nothing to resume. */
  if (fm_upload_job_get_transfer_id (job) == NULL)
    {
      fm_upload_queue_remove (queue, job);
      flush_store (queue);
    }
  return fm_cli_fail (error);
}

static FmUploadQueue *
open_queue (FmCli *cli)
{
  FmUploadQueue *queue = fm_session_get_queue (cli->session);

  /* a finished job leaves the disk after its link is printed (run_job) */
  fm_upload_queue_set_keep_finished (queue, TRUE);
  return g_object_ref (queue);
}

/* Loads the saved jobs and says which could not be (never in silence:
 * the user may be waiting for one of them). */
static gboolean
load_queue (FmUploadQueue  *queue,
            GError        **error)
{
  FmQueueStore *store = fm_upload_queue_get_store (queue);
  g_auto(GStrv) set_aside = NULL;

  if (!fm_upload_queue_load (queue, error))
    return FALSE;
  set_aside = store != NULL ? fm_queue_store_take_set_aside (store) : NULL;
  for (guint i = 0; set_aside != NULL && set_aside[i] != NULL; i++)
    {
      g_autofree char *shown = fm_format_display_text (set_aside[i]);

      g_printerr ("filemail: %s\n", shown);
    }
  return TRUE;
}

int
fm_cli_send (FmCli  *cli,
             int     argc,
             char  **argv)
{
  g_autofree char *to = NULL, *from = NULL, *subject = NULL, *message = NULL, *password = NULL;
  g_autofree char *password_file = NULL;
  gboolean ask_password = FALSE;
  g_autoptr(GError) error = NULL;
  int days = -1, parallel = fm_config_get_int ("parallel-uploads", 4), status;
  gint64 chunk_size = fm_config_get_int ("chunk-size", (int) FM_CHUNK_SIZE_DEFAULT);
  gboolean notify = FALSE, no_notify = FALSE, confirmation = FALSE, no_confirmation = FALSE;
  gboolean json = FALSE, qr = FALSE;
  GOptionEntry entries[] = {
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, N_("Recipients, comma-separated (none: a link only)"), N_("LIST") },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from, N_("Sender address"), N_("EMAIL") },
    { "subject", 0, 0, G_OPTION_ARG_STRING, &subject, N_("Subject (at most 200 characters)"), N_("S") },
    { "message", 0, 0, G_OPTION_ARG_STRING, &message, N_("Message to the recipients"), N_("M") },
    { "days", 0, 0, G_OPTION_ARG_INT, &days, N_("Days the transfer can be downloaded (default: the account's)"), N_("N") },
    FM_CLI_PASSWORD_OPTIONS (password, password_file, ask_password),
    { "notify", 0, 0, G_OPTION_ARG_NONE, &notify, N_("E-mail me when the files are downloaded"), NULL },
    { "no-notify", 0, 0, G_OPTION_ARG_NONE, &no_notify, N_("No e-mail on downloads, whatever the account says"), NULL },
    { "confirmation", 0, 0, G_OPTION_ARG_NONE, &confirmation, N_("E-mail me a confirmation when sent"), NULL },
    { "no-confirmation", 0, 0, G_OPTION_ARG_NONE, &no_confirmation, N_("No confirmation e-mail, whatever the account says"), NULL },
    { "chunk-size", 0, 0, G_OPTION_ARG_INT64, &chunk_size, N_("Bytes per upload request (5000000–50000000)"), N_("BYTES") },
    { "parallel", 0, 0, G_OPTION_ARG_INT, &parallel, N_("Chunks uploaded at once (1–4)"), N_("N") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the result as JSON"), NULL },
    { "qr", 0, 0, G_OPTION_ARG_NONE, &qr, N_("Also print the link as a QR code, for a phone"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = fm_cli_option_context ("send", N_("PATH…"),
                                                             _("Send files and folders."), entries);
  g_autoptr(FmTransferOptions) options = fm_transfer_options_new ();
  g_autoptr(FmUploadQueue) queue = NULL;
  g_autoptr(FmUploadJob) job = NULL;

  if (!fm_cli_parse (context, "send", &argc, &argv, &status))
    return status;
  if (argc < 2)
    return fm_cli_usage_error ("send", _("name at least one file or folder to send"));
  if (chunk_size < FM_CHUNK_SIZE_MIN || chunk_size > FM_CHUNK_SIZE_MAX)
    return fm_cli_usage_error ("send", _("--chunk-size must be between 5000000 and 50000000 bytes"));
  if (parallel < 1 || parallel > 4)
    return fm_cli_usage_error ("send", _("--parallel must be between 1 and 4"));
  if (days != -1 && (days < 1 || days > FM_TRANSFER_DAYS_MAX))
    return fm_cli_usage_error ("send", _("--days must be between 1 and %d"), FM_TRANSFER_DAYS_MAX);
  if ((notify && no_notify) || (confirmation && no_confirmation))
    return fm_cli_usage_error ("send", _("--notify and --no-notify (or --confirmation and --no-confirmation) "
                                         "contradict each other"));

  options->to = g_steal_pointer (&to);
  options->from = g_steal_pointer (&from);
  options->subject = g_steal_pointer (&subject);
  options->message = g_steal_pointer (&message);
  options->password = g_steal_pointer (&password);   /* --password; or asked below */
  options->days = MAX (days, 0);   /* 0: the account's default */
  /* sent only when given: otherwise the account's own setting applies */
  options->notify = notify ? TRUE : no_notify ? FALSE : FM_OPTION_UNSET;
  options->confirmation = confirmation ? TRUE : no_confirmation ? FALSE : FM_OPTION_UNSET;
  /* the rules the app's form keeps too; logged in, "to" may name a group */
  if (!fm_transfer_options_validate (options, fm_session_is_logged_in (cli->session), &error))
    return fm_cli_usage_error ("send", "%s", error->message);
  if (!fm_cli_get_password ("send", &options->password, password_file, ask_password, &status))
    return status;
  job = fm_upload_job_new (cli->client, options, (const char * const *) argv + 1);
  fm_upload_job_set_chunk_size (job, chunk_size);
  fm_upload_job_set_parallel (job, (guint) parallel);
  queue = open_queue (cli);
  fm_upload_queue_add (queue, job);
  return run_job (cli, queue, job, json, qr);
}

static gboolean
is_unfinished (FmUploadJob *job)
{
  FmUploadState state = fm_upload_job_get_state (job);

  return state != FM_UPLOAD_STATE_DONE && state != FM_UPLOAD_STATE_CANCELLED;
}

static void
say_unconfirmed (FmUploadJob *job)
{
  g_autofree char *raw_title = fm_upload_job_dup_title (job);
  g_autofree char *title = fm_format_display_text (raw_title);
  const char *to = fm_upload_job_get_options (job)->to;
  g_autofree char *recipients = fm_format_display_text (to != NULL && *to != '\0' ? to : _("a link only"));

  g_printerr (_("filemail: %.8s (%s, to %s) was not saved by Filemail on this computer, so it is not sent "
                "by itself. Check it with “filemail queue”; send it with “filemail resume %.8s”, "
                "or drop it with “filemail cancel %.8s”.\n"),
              fm_upload_job_get_id (job), title, recipients, fm_upload_job_get_id (job), fm_upload_job_get_id (job));
}

/* A transfer the server no longer knows (deleted, expired) or a file that
 * changed under it: retrying cannot mend it. With --again the same files
 * go as a new transfer, with the same recipients and subject. */
static int
send_again (FmCli         *cli,
            FmUploadQueue *queue,
            FmUploadJob   *job,
            gboolean       again,
            const char    *password,
            gboolean       json)
{
  g_autofree char *raw_title = fm_upload_job_dup_title (job);
  g_autofree char *title = fm_format_display_text (raw_title);
  g_autofree char *reason = fm_format_display_text (fm_upload_job_get_error (job)->message);
  FmUploadJob *new_job;

  if (!again)
    {
      g_printerr (_("filemail: %.8s (%s) cannot be resumed: %s\n"
                    "Run “filemail resume --again %.8s” to send it as a new transfer.\n"),
                  fm_upload_job_get_id (job), title, reason, fm_upload_job_get_id (job));
      return FM_CLI_EXIT_ERROR;
    }
  if (fm_upload_job_get_sources (job) == NULL)
    {
      g_printerr (_("filemail: %.8s (%s) was saved by an older version that did not keep which files "
                    "were chosen: send them with “filemail send”.\n"), fm_upload_job_get_id (job), title);
      return FM_CLI_EXIT_ERROR;
    }
  if (fm_upload_job_had_password (job) && password == NULL)
    return fm_cli_usage_error ("resume", _("%.8s (%s) was protected by a password: give it again with "
                                           "--ask-password or --password-file"), fm_upload_job_get_id (job), title);
  new_job = fm_upload_queue_send_again (queue, job, password);
  g_printerr (_("Sending %s again as a new transfer.\n"), title);
  return run_job (cli, queue, new_job, json, FALSE);
}

int
fm_cli_resume (FmCli  *cli,
               int     argc,
               char  **argv)
{
  gboolean json = FALSE, again = FALSE, ask_password = FALSE;
  g_autofree char *password = NULL, *password_file = NULL;
  GOptionEntry entries[] = {
    { "again", 0, 0, G_OPTION_ARG_NONE, &again,
      N_("Send an upload whose transfer the server no longer knows again, as a new transfer"), NULL },
    FM_CLI_PASSWORD_OPTIONS (password, password_file, ask_password),
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print each result as JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = fm_cli_option_context ("resume", N_("[ID]"),
    _("Resume unfinished uploads: the one named, or all of them."), entries);
  g_autoptr(FmUploadQueue) queue = open_queue (cli);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) todo = g_ptr_array_new_with_free_func (g_object_unref);
  int status = FM_CLI_EXIT_OK;

  if (!fm_cli_parse (context, "resume", &argc, &argv, &status))
    return status;
  if ((password != NULL || password_file != NULL || ask_password) && !again)
    return fm_cli_usage_error ("resume", _("a password is for --again: a resumed transfer keeps its own"));
  if (!fm_cli_get_password ("resume", &password, password_file, ask_password, &status))
    return status;
  if (!load_queue (queue, &error))
    return fm_cli_fail (error);
  if (argc > 1)
    {
      FmUploadJob *job = fm_upload_queue_find (queue, argv[1]);

      if (job == NULL)
        {
          g_printerr (_("filemail: no unfinished upload “%s” (see “filemail queue”)\n"), argv[1]);
          return FM_CLI_EXIT_ERROR;
        }
      g_ptr_array_add (todo, g_object_ref (job));
    }
  else
    for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (queue)); i++)
      g_ptr_array_add (todo, g_list_model_get_item (G_LIST_MODEL (queue), i));
  if (todo->len == 0)
    {
      g_print (_("No unfinished uploads.\n"));
      return FM_CLI_EXIT_OK;
    }
  for (guint i = 0; i < todo->len && status != FM_CLI_EXIT_INTERRUPTED; i++)
    {
      FmUploadJob *job = todo->pdata[i];
      int one;

      if (fm_upload_job_get_state (job) == FM_UPLOAD_STATE_CANCELLED)
        continue;
      /* saved by nothing this installation knows (a planted, restored or
       * synced file): sent when named, never by a plain resume */
      if (fm_upload_job_get_unconfirmed (job) && argc < 2)
        {
          say_unconfirmed (job);
          continue;
        }
      if (!fm_upload_job_claim (job, &error))
        {
          g_autofree char *title = fm_upload_job_dup_title (job);

          g_printerr (_("filemail: skipping %.8s (%s): %s\n"), fm_upload_job_get_id (job), title, error->message);
          g_clear_error (&error);
          continue;
        }
      /* sent by a run killed before it printed the link: the link now */
      if (fm_upload_job_get_state (job) == FM_UPLOAD_STATE_DONE)
        {
          print_result (job, json, FALSE, 0);
          fm_upload_queue_remove (queue, job);
          flush_store (queue);
          continue;
        }
      if (fm_upload_job_needs_new_transfer (job))
        {
          one = send_again (cli, queue, job, again, password, json);
          status = one != FM_CLI_EXIT_OK ? one : status;
          continue;
        }
      if (fm_upload_job_get_state (job) == FM_UPLOAD_STATE_FAILED)
        fm_upload_job_retry (job);
      one = run_job (cli, queue, job, json, FALSE);
      if (one != FM_CLI_EXIT_OK)
        status = one;
    }
  return status;
}

int
fm_cli_queue (FmCli  *cli,
              int     argc,
              char  **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the list as JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = fm_cli_option_context ("queue", NULL,
    _("List unfinished uploads kept on this computer."), entries);
  g_autoptr(FmUploadQueue) queue = open_queue (cli);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) array = json_array_new ();
  guint n;
  int status;

  if (!fm_cli_parse (context, "queue", &argc, &argv, &status))
    return status;
  if (!load_queue (queue, &error))
    return fm_cli_fail (error);
  n = g_list_model_get_n_items (G_LIST_MODEL (queue));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FmUploadJob) job = g_list_model_get_item (G_LIST_MODEL (queue), i);
      g_autofree char *raw_title = fm_upload_job_dup_title (job);
      g_autofree char *title = fm_format_display_text (raw_title);
      g_autofree char *job_message = NULL;
      g_autofree char *numbers = fm_format_progress (fm_upload_job_get_bytes_sent (job),
                                                     fm_upload_job_get_bytes_total (job), 0, -1);
      const GError *job_error = fm_upload_job_get_error (job);
      JsonObject *object = fm_upload_job_to_json (job);

      /* never print the transfer key or the password */
      json_object_remove_member (object, "transferkey");
      if (json_object_has_member (object, "options"))
        json_object_remove_member (json_object_get_object_member (object, "options"), "password");
      json_object_set_int_member (object, "bytessent", fm_upload_job_get_bytes_sent (job));
      json_object_set_int_member (object, "bytestotal", fm_upload_job_get_bytes_total (job));
      json_array_add_object_element (array, object);
      json_object_set_boolean_member (object, "unconfirmed", fm_upload_job_get_unconfirmed (job));
      if (!json)
        g_print ("%.8s  %-10s %3d%%  %s  %s%s%s\n", fm_upload_job_get_id (job),
                 fm_upload_job_get_unconfirmed (job) ? "unconfirmed" : fm_upload_state_to_string (fm_upload_job_get_state (job)),
                 (int) (fm_upload_job_get_fraction (job) * 100), numbers, title,
                 job_error ? "\n          " : "",
                 job_error ? (job_message = fm_format_display_text (job_error->message)) : "");
    }
  if (json)
    {
      g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);

      json_node_set_array (root, array);
      fm_cli_print_json (root);
    }
  else if (n == 0)
    g_print (_("No unfinished uploads.\n"));
  return FM_CLI_EXIT_OK;
}

/* Only an upload of this computer can be cancelled: the API needs its
 * transfer key, which only the uploader has. */
int
fm_cli_cancel (FmCli  *cli,
               int     argc,
               char  **argv)
{
  g_autoptr(GOptionContext) context = fm_cli_option_context ("cancel", N_("ID"),
    _("Cancel an unfinished upload from this computer (by its queue or transfer id)."), NULL);
  g_autoptr(FmUploadQueue) queue = open_queue (cli);
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  FmUploadJob *job;
  int status;

  if (!fm_cli_parse (context, "cancel", &argc, &argv, &status))
    return status;
  if (argc != 2)
    return fm_cli_usage_error ("cancel", _("name the upload to cancel"));
  if (!load_queue (queue, &error))
    return fm_cli_fail (error);
  job = fm_upload_queue_find (queue, argv[1]);
  if (job == NULL || !is_unfinished (job))
    {
      g_printerr (_("filemail: “%s” is not an unfinished upload of this computer. "
                    "A sent transfer is removed with “filemail delete”.\n"), argv[1]);
      return FM_CLI_EXIT_ERROR;
    }
  fm_upload_job_cancel_async (job, NULL, fm_cli_async_cb, &result);
  if (!fm_upload_job_cancel_finish (job, fm_cli_await (&result), &error))
    g_printerr (_("filemail: the server was not told (%s); the transfer will expire by itself.\n"),
                error->message);
  flush_store (queue);
  g_print (_("Cancelled.\n"));
  return FM_CLI_EXIT_OK;
}
