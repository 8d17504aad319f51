/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-cli-download.c: filemail download ID|LINK
 *
 * Every file of a transfer, FM_SESSION_DOWNLOADS_AT_ONCE at a time (as the
 * app's Download All), each big one over its own ranged connections
 * (fm-download-ranges.c); one progress line for all of it, each saved
 * path printed as its file is in. The first failure starts no more files;
 * those under way finish. Ctrl-C stops them all, to be resumed by the same
 * command.
 */
#define G_LOG_DOMAIN "filemail"

#include <glib/gi18n.h>

#include "fm-cli.h"
#include "fm-disk-space.h"
#include "fm-error.h"

typedef struct {
  FmCli         *cli;
  GListModel    *files;
  const char    *directory;
  guint          next;       /* the next file to start */
  GPtrArray     *running;    /* FmDownloadJob */
  FmCliProgress *progress;
  gint64         total;
  gint64         finished;   /* bytes of the files that are in */
  GError        *error;      /* the first failure */
} Downloads;

static void
progress_cb (FmDownloadJob *job,
             GParamSpec    *pspec,
             Downloads     *d)
{
  gint64 done = d->finished;
  double speed = 0;

  for (guint i = 0; i < d->running->len; i++)
    {
      done += fm_download_job_get_bytes_received (d->running->pdata[i]);
      speed += fm_download_job_get_speed (d->running->pdata[i]);
    }
  fm_cli_progress_update (d->progress, done, d->total, speed,
                          speed >= 1 ? (gint64) ((double) (d->total - done) / speed) : -1, NULL);
}

static void start_more (Downloads *d);

static void
done_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Downloads *d = user_data;
  FmDownloadJob *job = FM_DOWNLOAD_JOB (source);
  g_autoptr(GError) error = NULL;

  g_signal_handlers_disconnect_by_data (job, d);
  if (fm_download_job_run_finish (job, result, &error))
    {
      d->finished += fm_download_job_get_bytes_received (job);
      fm_cli_progress_finish (d->progress);
      g_print ("%s\n", fm_download_job_get_path (job));
    }
  else if (d->error == NULL)
    d->error = g_steal_pointer (&error);
  g_ptr_array_remove (d->running, job);
  start_more (d);
}

static void
start_more (Downloads *d)
{
  while (d->error == NULL && d->running->len < FM_SESSION_DOWNLOADS_AT_ONCE &&
         d->next < g_list_model_get_n_items (d->files))
    {
      g_autoptr(FmTransferFile) file = g_list_model_get_item (d->files, d->next++);
      FmDownloadJob *job = fm_download_job_new_for_file (fm_client_get_session (d->cli->client), file, d->directory);

      fm_download_job_set_rate_limiter (job, fm_client_get_download_limit (d->cli->client));
      g_signal_connect (job, "notify::bytes-received", G_CALLBACK (progress_cb), d);
      g_ptr_array_add (d->running, job);
      fm_download_job_run_async (job, d->cli->cancellable, done_cb, d);
    }
}

int
fm_cli_download (FmCli  *cli,
                 int     argc,
                 char  **argv)
{
  g_autofree char *directory = NULL, *password = NULL, *password_file = NULL;
  gboolean ask = FALSE;
  GOptionEntry entries[] = {
    { "dir", 'd', 0, G_OPTION_ARG_FILENAME, &directory, N_("Folder to save in (default: the current folder)"), N_("DIR") },
    FM_CLI_PASSWORD_OPTIONS (password, password_file, ask),
    { NULL }
  };
  g_autoptr(GOptionContext) context = fm_cli_option_context ("download", N_("ID|LINK"),
    _("Download every file of a transfer. An interrupted download resumes where it stopped; "
      "existing files are never overwritten."), entries);
  g_autoptr(GError) error = NULL;
  g_autoptr(FmTransfer) transfer = NULL;
  g_autoptr(FmCliProgress) progress = NULL;
  g_autoptr(GPtrArray) running = g_ptr_array_new_with_free_func (g_object_unref);
  Downloads d = { 0 };
  gint64 total = 0;
  int status;
  const char *id;

  if (!fm_cli_parse (context, "download", &argc, &argv, &status))
    return status;
  if (argc != 2)
    return fm_cli_usage_error ("download", _("name one transfer id"));
  if ((id = fm_cli_transfer_id (cli, argv[1], &status)) == NULL)
    return status;
  if (!fm_cli_get_password ("download", &password, password_file, ask, &status))
    return status;
  if (directory == NULL)
    directory = g_get_current_dir ();
  transfer = fm_cli_get_transfer (cli, id, password, &error);
  if (transfer == NULL)
    return fm_cli_password_hint (error);
  fm_cli_remember_link (cli, argv[1], transfer);
  d.files = fm_transfer_get_files (transfer);
  /* all of it must fit, with room to spare: said before, not half way */
  for (guint i = 0; i < g_list_model_get_n_items (d.files); i++)
    {
      g_autoptr(FmTransferFile) file = g_list_model_get_item (d.files, i);

      total += MAX (fm_transfer_file_get_filesize (file), 0);
    }
  if (!fm_disk_space_check (directory, -1, total, FM_DISK_MARGIN_ASKED, &error))
    return fm_cli_fail (error);
  progress = fm_cli_progress_new (stderr, fm_transfer_get_id (transfer));
  d.cli = cli;
  d.directory = directory;
  d.running = running;
  d.progress = progress;
  d.total = fm_transfer_get_size (transfer) >= 0 ? fm_transfer_get_size (transfer) : total;
  start_more (&d);
  while (d.running->len > 0)
    g_main_context_iteration (NULL, TRUE);
  fm_cli_progress_finish (progress);
  if (d.error == NULL)
    return FM_CLI_EXIT_OK;
  error = g_steal_pointer (&d.error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_printerr (_("Stopped. Run the same command again to resume.\n"));
      return FM_CLI_EXIT_INTERRUPTED;
    }
  return fm_cli_fail (error);
}
