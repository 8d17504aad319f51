/* fm-account.c: where the login token lives between runs */
#define G_LOG_DOMAIN "fm-account"

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>
#include <libsecret/secret.h>

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

  if (!g_file_get_contents (path, &text, NULL, NULL))
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
    return g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                        "Cannot remove %s: %s", path, g_strerror (errno)), FALSE;
  return TRUE;
}
