/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-test-server.h: a strict Filemail-compatible server for tests,
 * benchmarks and offline use
 *
 * It validates requests the way the API reference describes them, stores
 * uploads on disk, serves downloads with Range, and injects faults on
 * request. Test-only controls live under /test/ (see HACKING.md).
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

#define FM_TYPE_TEST_SERVER (fm_test_server_get_type ())
G_DECLARE_FINAL_TYPE (FmTestServer, fm_test_server, FM, TEST_SERVER, GObject)

FmTestServer *fm_test_server_new          (const char    *root,
                                           GError       **error);
void          fm_test_server_set_tls_certificate (FmTestServer *self,
                                           GTlsCertificate *certificate);
gboolean      fm_test_server_listen       (FmTestServer  *self,
                                           guint          port,
                                           GError       **error);
guint         fm_test_server_get_port     (FmTestServer  *self);
char         *fm_test_server_get_url      (FmTestServer  *self);
gboolean      fm_test_server_configure    (FmTestServer  *self,
                                           const char    *name,
                                           const char    *value,
                                           GError       **error);
char         *fm_test_server_get_stats    (FmTestServer  *self);
gboolean      fm_test_server_seed         (FmTestServer  *self,
                                           const char    *from,
                                           const char    *to,
                                           guint          count,
                                           const char    *subject,
                                           const char    *password,
                                           const char    *filename,
                                           GError       **error);
gboolean      fm_test_server_seed_files   (FmTestServer  *self,
                                           const char    *from,
                                           const char    *to,
                                           const char    *subject,
                                           guint          n_files,
                                           GError       **error);
gboolean      fm_test_server_expire_transfer (FmTestServer *self,
                                           const char    *id);

G_END_DECLS
