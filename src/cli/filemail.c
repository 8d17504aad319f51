/* SPDX-License-Identifier: GPL-3.0-or-later */
/* filemail.c: the `filemail` command line
 *
 * Errors go to stderr as one sentence, with the server's error name and
 * code when the server said no; the exit status is 1 for errors, 2 for
 * usage errors, 130 after Ctrl-C.
 */
#define G_LOG_DOMAIN "filemail"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <string.h>

#include "fm-account.h"
#include "fm-cli.h"
#include "fm-link-history.h"
#include "fm-transfer-link.h"
#include "fm-config.h"
#include "fm-error.h"
#include "fm-format.h"

static const struct {
  const char   *name;
  FmCliCommand  run;
  const char   *summary;
} commands[] = {
  { "login", fm_cli_login, N_("Log in and keep the login in the keyring") },
  { "logout", fm_cli_logout, N_("Log out and forget the stored login") },
  { "send", fm_cli_send, N_("Send files and folders") },
  { "transfer", fm_cli_transfer, N_("Show a transfer and its files") },
  { "download", fm_cli_download, N_("Download every file of a transfer") },
  { "sent", fm_cli_sent, N_("List the transfers you sent") },
  { "received", fm_cli_received, N_("List the transfers you received") },
  { "forward", fm_cli_forward, N_("Send a transfer on to more recipients") },
  { "update", fm_cli_update, N_("Change a sent transfer's subject, message, expiry or notification") },
  { "delete", fm_cli_delete, N_("Delete a sent transfer") },
  { "cancel", fm_cli_cancel, N_("Cancel an unfinished upload from this computer") },
  { "rename-file", fm_cli_rename_file, N_("Rename a file in a sent transfer") },
  { "delete-file", fm_cli_delete_file, N_("Remove a file from a sent transfer") },
  { "update-zip", fm_cli_update_zip, N_("Update a transfer's ZIP file after a removal") },
  { "queue", fm_cli_queue, N_("List unfinished uploads kept on this computer") },
  { "resume", fm_cli_resume, N_("Resume unfinished uploads") },
};

/* An error's text may hold the server's errormessage: cleaned like any
 * server text. Ctrl-C or SIGTERM is not an error: exit 130. */
gboolean fm_cli_verbose = FALSE;

int
fm_cli_fail (const GError *error)
{
  g_autofree char *message = fm_format_display_text (error->message);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_printerr (_("filemail: stopped.\n"));
      return FM_CLI_EXIT_INTERRUPTED;
    }
  g_printerr ("filemail: %s\n", message);
  /* a failure told in plain words keeps its technical side for --verbose */
  if (fm_cli_verbose && fm_error_get_detail (error) != NULL)
    {
      g_autofree char *detail = fm_format_display_text (fm_error_get_detail (error));

      g_printerr ("filemail: %s\n", detail);
    }
  return FM_CLI_EXIT_ERROR;
}

int
fm_cli_usage_error (const char *command,
                    const char *format,
                    ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("filemail %s: %s\n", command, message);
  g_printerr (_("Run “filemail %s --help” for its options.\n"), command);
  return FM_CLI_EXIT_USAGE;
}

GOptionContext *
fm_cli_option_context (const char         *command,
                       const char         *parameters,
                       const char         *summary,
                       const GOptionEntry *entries)
{
  GOptionContext *context = g_option_context_new (parameters);
  g_autofree char *name = g_strconcat ("filemail ", command, NULL);

  /* "Usage: filemail send [OPTION…] PATH…", not "filemail [OPTION…]" */
  g_set_prgname (name);

  g_option_context_set_summary (context, summary);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  return context;
}

gboolean
fm_cli_parse (GOptionContext *context,
              const char     *command,
              int            *argc,
              char         ***argv,
              int            *exit_code)
{
  g_autoptr(GError) error = NULL;

  if (g_option_context_parse (context, argc, argv, &error))
    return TRUE;
  *exit_code = fm_cli_usage_error (command, "%s", error->message);
  return FALSE;
}

gboolean
fm_cli_require_login (FmCli *cli,
                      int   *exit_code)
{
  if (fm_session_is_logged_in (cli->session))
    return TRUE;
  g_printerr (_("filemail: You are not logged in. Run “filemail login --username EMAIL” first.\n"));
  *exit_code = FM_CLI_EXIT_ERROR;
  return FALSE;
}

/* The transfer an argument names: its id, or its link as the e-mail gave
 * it (fm-transfer-link.c); NULL, said on stderr, for anything else. */
const char *
fm_cli_transfer_id (FmCli      *cli,
                    const char *text,
                    int        *exit_code)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = fm_transfer_link_parse (text, fm_client_get_base_url (cli->client), &error);

  if (id == NULL)
    {
      *exit_code = fm_cli_fail (error);
      return NULL;
    }
  return g_intern_string (id);
}

/* A transfer opened by its link is kept in the list the app shows under
 * Links (fm-link-history.h), as the app keeps it. */
void
fm_cli_remember_link (FmCli      *cli,
                      const char *text,
                      FmTransfer *transfer)
{
  FmLinkHistory *history = fm_session_get_link_history (cli->session);
  g_autoptr(GError) error = NULL;

  if (!fm_transfer_link_looks_like (text) || history == NULL)
    return;
  if (!fm_link_history_remember (history, fm_client_get_base_url (cli->client), fm_transfer_get_id (transfer),
                                 transfer, &error))
    g_printerr (_("filemail: the link could not be remembered: %s\n"), error->message);
}

void
fm_cli_async_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

GAsyncResult *
fm_cli_await (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static gboolean
keyring_notice_cb (gpointer data)
{
  gboolean *said = data;

  g_printerr (_("Waiting for the keyring to be unlocked… (Ctrl-C to stop)\n"));
  *said = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
keyring_give_up_cb (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

/* How long a command waits for the keyring (an unlock prompt on a
 * display nobody sees, over SSH) before going on without it. */
static guint
keyring_timeout_s (void)
{
  const char *text = g_getenv ("FILEMAIL_KEYRING_TIMEOUT");
  guint64 seconds = 0;

  if (text != NULL && g_ascii_string_to_unsigned (text, 10, 1, 3600, &seconds, NULL))
    return (guint) seconds;
  return 60;
}

/* Like fm_cli_await() for a keyring call: after a moment it says what it
 * waits for; after keyring_timeout_s() it cancels @cancellable and says
 * what to do instead. TRUE when the keyring answered. */
gboolean
fm_cli_await_keyring (GAsyncResult **slot,
                      GCancellable  *cancellable)
{
  gboolean said = FALSE;
  guint notice = g_timeout_add (1500, keyring_notice_cb, &said);
  guint give_up = g_timeout_add_seconds (keyring_timeout_s (), keyring_give_up_cb, cancellable);

  fm_cli_await (slot);
  if (!said)
    g_source_remove (notice);
  if (!g_cancellable_is_cancelled (cancellable))
    {
      g_source_remove (give_up);
      return TRUE;
    }
  g_printerr (_("filemail: the keyring did not answer within %u seconds (is it locked, with its prompt on a "
                "display you cannot see?). Unlock it and try again; in scripts and over SSH give the login "
                "with FILEMAIL_LOGINTOKEN, or log in with --password-stdin where no keyring runs.\n"),
              keyring_timeout_s ());
  return FALSE;
}

void
fm_cli_print_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);
  g_print ("%s\n", text);
}

gboolean
fm_cli_stdout_is_tty (void)
{
  return isatty (STDOUT_FILENO);
}

char *
fm_cli_read_line (FILE *stream)
{
  char buffer[1024];
  gsize len;

  if (fgets (buffer, sizeof buffer, stream) == NULL)
    return NULL;
  len = strlen (buffer);
  while (len > 0 && (buffer[len - 1] == '\n' || buffer[len - 1] == '\r'))
    buffer[--len] = '\0';
  return g_strdup (buffer);
}

/* Asks on the terminal with echo off. */
char *
fm_cli_prompt_password (const char *prompt)
{
  FILE *tty = fopen ("/dev/tty", "r+");
  struct termios saved, quiet;
  char *password;

  if (tty == NULL)
    return NULL;
  /* echo off first, then the prompt: whatever is typed after the prompt
   * is never shown (nor thrown away by the flush) */
  tcgetattr (fileno (tty), &saved);
  quiet = saved;
  quiet.c_lflag &= ~(tcflag_t) ECHO;
  tcsetattr (fileno (tty), TCSAFLUSH, &quiet);
  fputs (prompt, tty);
  fflush (tty);
  password = fm_cli_read_line (tty);
  tcsetattr (fileno (tty), TCSAFLUSH, &saved);
  fputc ('\n', tty);
  fclose (tty);
  return password;
}

/* Fills *@password from --password-file or --ask-password, if given; a
 * --password given on the command line stays as it is. */
gboolean
fm_cli_get_password (const char  *command,
                     char       **password,
                     const char  *password_file,
                     gboolean     ask,
                     int         *exit_code)
{
  FILE *stream;

  if ((*password != NULL) + (password_file != NULL) + (ask != FALSE) > 1)
    {
      *exit_code = fm_cli_usage_error (command, _("give the password one way only"));
      return FALSE;
    }
  if (ask)
    {
      *password = fm_cli_prompt_password (_("Transfer password: "));
      if (*password == NULL)
        *exit_code = fm_cli_usage_error (command, _("no terminal to ask for the password on: use --password-file"));
      return *password != NULL;
    }
  if (password_file == NULL)
    return TRUE;
  stream = g_str_equal (password_file, "-") ? stdin : fopen (password_file, "re");
  if (stream == NULL)
    {
      int saved = errno;
      *exit_code = fm_cli_usage_error (command, _("cannot read %s: %s"), password_file, g_strerror (saved));
      return FALSE;
    }
  {
    char *line = NULL;
    size_t size = 0;
    ssize_t length = getline (&line, &size, stream);

    if (stream != stdin)
      fclose (stream);
    while (length > 0 && (line[length - 1] == '\n' || line[length - 1] == '\r'))
      line[--length] = '\0';
    /* a NUL inside would cut the password short without a word */
    if (length > 0 && memchr (line, '\0', (size_t) length) != NULL)
      {
        free (line);
        *exit_code = fm_cli_usage_error (command, _("%s holds a NUL byte in its first line: not a password"),
                                         password_file);
        return FALSE;
      }
    *password = length > 0 ? g_strndup (line, (gsize) length) : NULL;
    free (line);
  }
  if (*password == NULL || **password == '\0')
    {
      g_clear_pointer (password, g_free);
      *exit_code = fm_cli_usage_error (command, _("%s holds no password"), password_file);
      return FALSE;
    }
  return TRUE;
}

static void
print_help (void)
{
  g_print (_("Usage: filemail [--server URL] COMMAND [OPTIONS…]\n\n"
             "Send large files with Filemail from the terminal.\n\nCommands:\n"));
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    g_print ("  %-12s %s\n", commands[i].name, _(commands[i].summary));
  g_print (_("\nGlobal options:\n"
             "  --server URL   the Filemail server (or FILEMAIL_API_URL); default %s\n"
             "  --ca-file PEM  also trust this certificate authority (or FILEMAIL_CA_FILE)\n"
             "  --limit-rate SPEED  send and download no faster than SPEED bytes a second (5M, 500k)\n"
             "  --verbose      on a failure, also say what went wrong in technical terms\n"
             "  --version      print the version\n\n"
             "Environment: FILEMAIL_API_URL, FILEMAIL_API_KEY, FILEMAIL_LOGINTOKEN (overrides the stored login).\n"
             "Run “filemail COMMAND --help” for a command's options.\n"), FM_DEFAULT_API_URL);
}

/* Global options come before the command: "--server URL" or "--server=URL". */
static int
parse_global (int    argc,
              char **argv,
              char **server,
              char **ca_file,
              guint64 *limit_rate,
              int   *command_index)
{
  int i = 1;

  for (; i < argc && argv[i][0] == '-'; i++)
    {
      if (g_str_equal (argv[i], "--help") || g_str_equal (argv[i], "-h"))
        {
          print_help ();
          return -1;
        }
      if (g_str_equal (argv[i], "--version"))
        {
          g_print ("filemail %s\n", FM_VERSION);
          return -1;
        }
      if (g_str_equal (argv[i], "--server") && i + 1 < argc)
        *server = g_strdup (argv[++i]);
      else if (g_str_has_prefix (argv[i], "--server="))
        *server = g_strdup (argv[i] + strlen ("--server="));
      else if (g_str_equal (argv[i], "--verbose"))
        fm_cli_verbose = TRUE;
      else if (g_str_equal (argv[i], "--ca-file") && i + 1 < argc)
        *ca_file = g_strdup (argv[++i]);
      else if (g_str_has_prefix (argv[i], "--ca-file="))
        *ca_file = g_strdup (argv[i] + strlen ("--ca-file="));
      else if (g_str_equal (argv[i], "--limit-rate") || g_str_has_prefix (argv[i], "--limit-rate="))
        {
          const char *value = argv[i][strlen ("--limit-rate")] == '=' ? argv[i] + strlen ("--limit-rate=")
                              : i + 1 < argc ? argv[++i] : NULL;

          if (!fm_rate_parse (value, limit_rate))
            {
              g_printerr (_("filemail: --limit-rate takes a speed in bytes per second, such as 5M or 500k\n"));
              return FM_CLI_EXIT_USAGE;
            }
        }
      else
        {
          g_printerr (_("filemail: unknown option %s\n"), argv[i]);
          return FM_CLI_EXIT_USAGE;
        }
    }
  *command_index = i;
  return FM_CLI_EXIT_OK;
}

static gboolean
wants_help (int    argc,
            char **argv)
{
  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--"))
        break;
      if (g_str_equal (argv[i], "--help") || g_str_equal (argv[i], "-h") ||
          g_str_has_prefix (argv[i], "--help-"))
        return TRUE;
    }
  return FALSE;
}

static gboolean
interrupt_cb (gpointer data)
{
  FmCli *cli = data;

  g_cancellable_cancel (cli->cancellable);
  return G_SOURCE_CONTINUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *server = NULL;
  g_autofree char *ca_file = NULL;
  g_autofree char *api_key = NULL;
  g_autoptr(GAsyncResult) restored = NULL;
  g_autoptr(GError) error = NULL;
  FmCli cli = { 0 };
  int command_index = 0, status;
  guint64 limit_rate = 0;
  gboolean help;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("FILEMAIL_LOCALEDIR") != NULL ? g_getenv ("FILEMAIL_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  fm_client_ensure_types ();
  status = parse_global (argc, argv, &server, &ca_file, &limit_rate, &command_index);
  if (status != FM_CLI_EXIT_OK)
    return status < 0 ? FM_CLI_EXIT_OK : status;
  if (command_index >= argc)
    {
      print_help ();
      return FM_CLI_EXIT_USAGE;
    }
  /* "filemail COMMAND --help" reads no settings and no keyring. */
  help = wants_help (argc - command_index, argv + command_index);
  if (server == NULL)
    server = help ? g_strdup (FM_DEFAULT_API_URL) : fm_config_get_api_url ();
  cli.server = server;
  cli.cancellable = g_cancellable_new ();
  cli.session = fm_session_new_for_url (server, &error);
  if (cli.session == NULL)
    return fm_cli_fail (error);
  cli.client = fm_session_get_client (cli.session);
  if (ca_file != NULL && !fm_client_set_ca_file (cli.client, ca_file, &error))
    return fm_cli_fail (error);
  /* like curl's: one speed for each direction */
  fm_rate_limiter_set_rate (fm_client_get_upload_limit (cli.client), limit_rate);
  fm_rate_limiter_set_rate (fm_client_get_download_limit (cli.client), limit_rate);
  if (!help)
    {
      api_key = fm_config_get_api_key ();
      fm_client_set_api_key (cli.client, api_key);
    }
  /* a login that cannot be read is no login: commands say so (`login`
   * makes a new one: it does not wait for the old) */
  if (!help && !g_str_equal (argv[command_index], "login"))
    {
      g_autoptr(GCancellable) keyring = g_cancellable_new ();

      fm_session_restore_login_async (cli.session, keyring, fm_cli_async_cb, &restored);
      fm_cli_await_keyring (&restored, keyring);
      fm_session_restore_login_finish (cli.session, restored, NULL);
    }
  g_unix_signal_add (SIGINT, interrupt_cb, &cli);
  g_unix_signal_add (SIGTERM, interrupt_cb, &cli);

  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (argv[command_index], commands[i].name))
      {
        status = commands[i].run (&cli, argc - command_index, argv + command_index);
        g_clear_object (&cli.session);
        g_clear_object (&cli.cancellable);
        return status;
      }
  g_printerr (_("filemail: unknown command “%s”. Run “filemail --help” for the list.\n"), argv[command_index]);
  g_clear_object (&cli.session);
  return FM_CLI_EXIT_USAGE;
}
