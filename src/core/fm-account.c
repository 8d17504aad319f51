/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-account.c: where the login token lives between runs */
#define G_LOG_DOMAIN "fm-account"

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>
#include <libsecret/secret.h>

#include "fm-state-file.h"
#include "fm-account.h"
#include "fm-config.h"

static const SecretSchema *
token_schema (void)
{
  static const SecretSchema schema = {
    "com.filemail.Desktop.LoginToken", SECRET_SCHEMA_NONE,
    {
      { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "email", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };

  return &schema;
}

/* One file per server, named by a hash so the name says nothing. */
static char *
fallback_path (const char *server)
{
  g_autofree char *dir = fm_config_get_state_dir ();
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, server, -1);
  g_autofree char *name = g_strdup_printf ("login-%.16s", hash);

  return g_build_filename (dir, name, NULL);
}

static gboolean
store_file (const char  *server,
            const char  *email,
            const char  *token,
            GError     **error)
{
  g_autofree char *path = fallback_path (server);
  g_autofree char *text = g_strdup_printf ("%s\n%s\n", token, email != NULL ? email : "");

  return g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

gboolean
fm_account_store (const char        *server,
                  const char        *email,
                  const char        *token,
                  FmAccountStorage  *storage,
                  GError           **error)
{
  g_autoptr(GError) secret_error = NULL;
  g_autofree char *label = g_strdup_printf ("Filemail login (%s)", email != NULL ? email : server);
  g_autofree char *path = fallback_path (server);

  if (secret_password_store_sync (token_schema (), SECRET_COLLECTION_DEFAULT, label, token, NULL,
                                  &secret_error, "server", server, "email", email ? email : "", NULL))
    {
      g_unlink (path);   /* a token in the keyring leaves no copy behind */
      *storage = FM_ACCOUNT_STORED_KEYRING;
      return TRUE;
    }
  g_debug ("No Secret Service (%s): keeping the token in %s", secret_error->message, path);
  *storage = FM_ACCOUNT_STORED_FILE;
  return store_file (server, email, token, error);
}

static char *
lookup_file (const char  *server,
             char       **email)
{
  g_autofree char *path = fallback_path (server);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  text = fm_state_file_read (path, 64 * 1024, FM_STATE_FILE_NONE, NULL, NULL);
  if (text == NULL)
    return NULL;
  lines = g_strsplit (text, "\n", 3);
  if (lines[0] == NULL || *lines[0] == '\0')
    return NULL;
  if (email != NULL)
    *email = lines[1] != NULL && *lines[1] ? g_strdup (lines[1]) : NULL;
  return g_strdup (lines[0]);
}

/* NULL without an error when no one is logged in. */
char *
fm_account_lookup (const char  *server,
                   char       **email,
                   GError     **error)
{
  const char *env = g_getenv ("FILEMAIL_LOGINTOKEN");
  g_autoptr(GError) secret_error = NULL;
  g_autolist(SecretRetrievable) items = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  g_autoptr(SecretValue) value = NULL;

  if (email != NULL)
    *email = NULL;
  if (env != NULL && *env != '\0')
    return g_strdup (env);
  items = secret_password_search_sync (token_schema (), SECRET_SEARCH_UNLOCK | SECRET_SEARCH_LOAD_SECRETS,
                                       NULL, &secret_error, "server", server, NULL);
  if (items == NULL)
    return lookup_file (server, email);
  value = secret_retrievable_retrieve_secret_sync (items->data, NULL, &secret_error);
  attributes = secret_retrievable_get_attributes (items->data);
  if (value == NULL)
    return lookup_file (server, email);
  if (email != NULL && g_hash_table_lookup (attributes, "email") != NULL)
    *email = g_strdup (g_hash_table_lookup (attributes, "email"));
  return g_strdup (secret_value_get_text (value));
}

gboolean
fm_account_clear (const char  *server,
                  GError     **error)
{
  g_autofree char *path = fallback_path (server);
  g_autoptr(GError) secret_error = NULL;

  secret_password_clear_sync (token_schema (), NULL, &secret_error, "server", server, NULL);
  if (g_unlink (path) != 0 && errno != ENOENT)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   "Cannot remove %s: %s", path, g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------- async wrappers */
/* libsecret's sync calls may wait for a D-Bus round trip or an unlock
 * prompt: the app runs them in a worker thread. */

typedef struct {
  char *server;
  char *email;
  char *token;
  FmAccountStorage storage;
} AccountOp;

static void
account_op_free (AccountOp *op)
{
  g_free (op->server);
  g_free (op->email);
  if (op->token != NULL)
    memset (op->token, 0, strlen (op->token));
  g_free (op->token);
  g_free (op);
}

static GTask *
account_task (const char          *server,
              const char          *email,
              const char          *token,
              gpointer             tag,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  AccountOp *op = g_new0 (AccountOp, 1);

  op->server = g_strdup (server);
  op->email = g_strdup (email);
  op->token = g_strdup (token);
  g_task_set_source_tag (task, tag);
  g_task_set_task_data (task, op, (GDestroyNotify) account_op_free);
  /* a keyring waiting on an unlock prompt nobody sees holds the thread;
   * the caller that gives up is answered at once */
  g_task_set_return_on_cancel (task, TRUE);
  return task;
}

static void
lookup_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  AccountOp *op = data;
  GError *error = NULL;

  g_free (op->token);
  op->token = fm_account_lookup (op->server, &op->email, &error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

void
fm_account_lookup_async (const char          *server,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = account_task (server, NULL, NULL, fm_account_lookup_async,
                                        cancellable, callback, user_data);

  g_task_run_in_thread (task, lookup_thread);
}

/* Returns the token (NULL when no one is logged in) and its e-mail. */
char *
fm_account_lookup_finish (GAsyncResult  *result,
                          char         **email,
                          GError       **error)
{
  AccountOp *op = g_task_get_task_data (G_TASK (result));

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;
  if (email != NULL)
    *email = g_strdup (op->email);
  return g_strdup (op->token);
}

static void
store_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  AccountOp *op = data;
  GError *error = NULL;

  if (!fm_account_store (op->server, op->email, op->token, &op->storage, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

void
fm_account_store_async (const char          *server,
                        const char          *email,
                        const char          *token,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = account_task (server, email, token, fm_account_store_async,
                                        cancellable, callback, user_data);

  g_task_run_in_thread (task, store_thread);
}

gboolean
fm_account_store_finish (GAsyncResult      *result,
                         FmAccountStorage  *storage,
                         GError           **error)
{
  AccountOp *op = g_task_get_task_data (G_TASK (result));

  if (storage != NULL)
    *storage = op->storage;
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
clear_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  AccountOp *op = data;
  GError *error = NULL;

  if (!fm_account_clear (op->server, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

void
fm_account_clear_async (const char          *server,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = account_task (server, NULL, NULL, fm_account_clear_async,
                                        cancellable, callback, user_data);

  g_task_run_in_thread (task, clear_thread);
}

gboolean
fm_account_clear_finish (GAsyncResult  *result,
                         GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}
