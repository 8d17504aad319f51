/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-test-util.h: shared helpers for the C tests */
#pragma once

#include <gio/gio.h>

#include "fm-client.h"
#include "fm-test-server.h"

G_BEGIN_DECLS

typedef struct {
  FmTestServer *server;
  FmClient     *client;
  char         *root;
  char         *url;
} FmTestFixture;

void          fm_test_fixture_setup    (FmTestFixture *fixture,
                                        gconstpointer  data);
void          fm_test_fixture_teardown (FmTestFixture *fixture,
                                        gconstpointer  data);
void          fm_test_async_cb         (GObject       *source,
                                        GAsyncResult  *result,
                                        gpointer       user_data);
GAsyncResult *fm_test_await            (GAsyncResult **slot);
char         *fm_test_login            (FmTestFixture *fixture,
                                        const char    *email);
void          fm_test_config           (FmTestFixture *fixture,
                                        const char    *name,
                                        const char    *value);
JsonObject   *fm_test_stats            (FmTestFixture *fixture);
char         *fm_test_source_path      (const char    *name);
void          fm_test_rm_rf            (const char    *path);
long          fm_test_memory_kib       (const char    *field);
FmClient     *fm_test_client_new       (FmTestFixture *fixture);
guint         fm_test_count_entries    (const char    *dir);
gboolean      fm_test_make_certificates (const char   *dir,
                                        const char    *names);

G_END_DECLS
