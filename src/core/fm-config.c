/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-config.c: where settings come from */
#define G_LOG_DOMAIN "fm-config"

#include "fm-client.h"
#include "fm-config.h"

/* NULL when the schema is not installed (the CLI run from a build tree
 * without `meson devenv`): g_settings_new() would abort the program. */
GSettings *
fm_config_get_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source == NULL)
    return NULL;
  schema = g_settings_schema_source_lookup (source, FM_APP_ID, TRUE);
  if (schema == NULL)
    return NULL;
  return g_settings_new_full (schema, NULL, NULL);
}

static char *
lookup_string (const char *env,
               const char *key)
{
  const char *value = g_getenv (env);
  g_autoptr(GSettings) settings = NULL;
  g_autofree char *stored = NULL;

  if (value != NULL && *value != '\0')
    return g_strdup (value);
  settings = fm_config_get_settings ();
  if (settings != NULL)
    stored = g_settings_get_string (settings, key);
  if (stored != NULL && *stored != '\0')
    return g_steal_pointer (&stored);
  return NULL;
}

char *
fm_config_get_api_url (void)
{
  char *url = lookup_string ("FILEMAIL_API_URL", "server-url");

  return url != NULL ? url : g_strdup (FM_DEFAULT_API_URL);
}

char *
fm_config_get_api_key (void)
{
  return lookup_string ("FILEMAIL_API_KEY", "api-key");
}

int
fm_config_get_int (const char *key,
                   int         fallback)
{
  g_autoptr(GSettings) settings = fm_config_get_settings ();

  return settings != NULL ? g_settings_get_int (settings, key) : fallback;
}

/* $XDG_STATE_HOME/filemail, created private to the user: it holds
 * transfer keys. */
char *
fm_config_get_state_dir (void)
{
  char *dir = g_build_filename (g_get_user_state_dir (), "filemail", NULL);

  g_mkdir_with_parents (dir, 0700);
  return dir;
}

/* Where downloads go: @configured (the download-folder setting) unless it
 * is empty, else the desktop's Downloads folder, else the home folder. */
char *
fm_config_resolve_download_folder (const char *configured)
{
  const char *downloads = g_get_user_special_dir (G_USER_DIRECTORY_DOWNLOAD);

  if (configured != NULL && *configured != '\0')
    return g_strdup (configured);
  return g_strdup (downloads != NULL ? downloads : g_get_home_dir ());
}
