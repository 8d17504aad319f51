/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-url.h: the rule for server addresses (see fm-url.c) */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean  fm_url_check       (const char  *url,
                              GError     **error);
gboolean  fm_url_is_loopback (const char  *url);
gboolean  fm_url_host_is_loopback (const char *host);
char     *fm_url_redact      (const char  *uri);

G_END_DECLS
