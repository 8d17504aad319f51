/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-test-server-hostile.h: the local server turned against its client
 * (see fm-test-server-hostile.c for the kinds) */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

gboolean fm_test_server_hostile_kind_is_known (const char        *kind);
gboolean fm_test_server_hostile_refuses       (const char        *kind);
void     fm_test_server_hostile_apply         (const char        *kind,
                                               SoupServerMessage *msg);

G_END_DECLS
