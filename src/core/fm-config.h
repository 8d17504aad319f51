/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-config.h: where settings come from, for the app and the CLI alike
 *
 * The environment wins (FILEMAIL_API_URL, FILEMAIL_API_KEY: tests, scripts,
 * company domains), then the GSettings schema when it is installed, then
 * the built-in default.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

GSettings *fm_config_get_settings   (void);
char      *fm_config_get_api_url    (void);
char      *fm_config_get_api_key    (void);
int        fm_config_get_int        (const char *key,
                                     int         fallback);
char      *fm_config_get_state_dir  (void);
char      *fm_config_resolve_download_folder (const char *configured);

G_END_DECLS
