/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-cli.h: shared parts of the `filemail` command line */
#pragma once

#include <stdio.h>

#include "fm-client.h"
#include "fm-session.h"
#include "fm-download-job.h"
#include "fm-upload-job.h"
#include "fm-upload-queue.h"

G_BEGIN_DECLS

#define FM_CLI_EXIT_OK          0
#define FM_CLI_EXIT_ERROR       1
#define FM_CLI_EXIT_USAGE       2
#define FM_CLI_EXIT_INTERRUPTED 130

typedef struct {
  char     *server;
  FmSession    *session;
  FmClient     *client;       /* the session's */
  GCancellable *cancellable;   /* cancelled by Ctrl-C (SIGINT) or SIGTERM */
} FmCli;

typedef int (*FmCliCommand) (FmCli *cli, int argc, char **argv);

extern gboolean fm_cli_verbose;   /* --verbose: failures' technical detail too */

int            fm_cli_fail            (const GError  *error);
int            fm_cli_usage_error     (const char    *command,
                                       const char    *format,
                                       ...) G_GNUC_PRINTF (2, 3);
GOptionContext *fm_cli_option_context (const char    *command,
                                       const char    *parameters,
                                       const char    *summary,
                                       const GOptionEntry *entries);
gboolean       fm_cli_parse           (GOptionContext *context,
                                       const char    *command,
                                       int           *argc,
                                       char        ***argv,
                                       int           *exit_code);
gboolean       fm_cli_require_login   (FmCli         *cli,
                                       int           *exit_code);
const char    *fm_cli_transfer_id     (FmCli         *cli,
                                       const char    *text,
                                       int           *exit_code);
FmTransfer    *fm_cli_get_transfer    (FmCli         *cli,
                                       const char    *id,
                                       const char    *password,
                                       GError       **error);
int            fm_cli_password_hint   (const GError  *error);
void           fm_cli_remember_link   (FmCli         *cli,
                                       const char    *text,
                                       FmTransfer    *transfer);
GAsyncResult  *fm_cli_await           (GAsyncResult **slot);
gboolean       fm_cli_await_keyring   (GAsyncResult **slot,
                                       GCancellable  *cancellable);
void           fm_cli_async_cb        (GObject       *source,
                                       GAsyncResult  *result,
                                       gpointer       user_data);
void           fm_cli_print_json      (JsonNode      *node);
char          *fm_cli_read_line       (FILE          *stream);
char          *fm_cli_prompt_password (const char    *prompt);
gboolean       fm_cli_get_password    (const char    *command,
                                       char         **password,
                                       const char    *password_file,
                                       gboolean       ask,
                                       int           *exit_code);

/* --password (visible to every user in `ps`), --password-file FILE|-,
 * --ask-password: the ways to give a transfer's password. */
#define FM_CLI_PASSWORD_OPTIONS(password, file, ask) \
  { "password", 0, 0, G_OPTION_ARG_STRING, &(password), \
    N_("The transfer's password (other users can see it in the process list: prefer the next two)"), N_("P") }, \
  { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &(file), \
    N_("Read the transfer's password from the first line of FILE (- for standard input)"), N_("FILE") }, \
  { "ask-password", 0, 0, G_OPTION_ARG_NONE, &(ask), N_("Ask for the transfer's password on the terminal"), NULL }
gboolean       fm_cli_stdout_is_tty   (void);

/* progress */
typedef struct _FmCliProgress FmCliProgress;

FmCliProgress *fm_cli_progress_new    (FILE          *stream,
                                       const char    *title);
void           fm_cli_progress_update (FmCliProgress *progress,
                                       gint64         done,
                                       gint64         total,
                                       double         speed,
                                       gint64         eta,
                                       const char    *status);
void           fm_cli_progress_finish (FmCliProgress *progress);
void           fm_cli_progress_free   (FmCliProgress *progress);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FmCliProgress, fm_cli_progress_free)

/* commands */
int fm_cli_login      (FmCli *cli, int argc, char **argv);
int fm_cli_logout     (FmCli *cli, int argc, char **argv);
int fm_cli_send       (FmCli *cli, int argc, char **argv);
int fm_cli_queue      (FmCli *cli, int argc, char **argv);
int fm_cli_resume     (FmCli *cli, int argc, char **argv);
int fm_cli_cancel     (FmCli *cli, int argc, char **argv);
int fm_cli_transfer   (FmCli *cli, int argc, char **argv);
int fm_cli_download   (FmCli *cli, int argc, char **argv);
int fm_cli_sent       (FmCli *cli, int argc, char **argv);
int fm_cli_received   (FmCli *cli, int argc, char **argv);
int fm_cli_forward    (FmCli *cli, int argc, char **argv);
int fm_cli_update     (FmCli *cli, int argc, char **argv);
int fm_cli_delete     (FmCli *cli, int argc, char **argv);
int fm_cli_rename_file (FmCli *cli, int argc, char **argv);
int fm_cli_delete_file (FmCli *cli, int argc, char **argv);
int fm_cli_update_zip (FmCli *cli, int argc, char **argv);

G_END_DECLS
