/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-transfer-link.h: the transfer a person's text names (see fm-transfer-link.c) */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define FM_TRANSFER_ID_MAX 64

gboolean  fm_transfer_id_is_valid      (const char  *id);
gboolean  fm_transfer_link_looks_like  (const char  *text);
char     *fm_transfer_link_parse       (const char  *text,
                                        const char  *base_url,
                                        GError     **error);
char     *fm_transfer_link_for_id      (const char  *base_url,
                                        const char  *id);

G_END_DECLS
