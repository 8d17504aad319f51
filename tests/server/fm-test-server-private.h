/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-test-server-private.h: what the files of FmTestServer share
 *
 *   fm-test-server.c            helpers, answers, parameters, logins, dispatch
 *   fm-test-server-transfers.c  the transfer, file and list endpoints; the test controls
 *   fm-test-server-files.c      chunk uploads and downloads
 *   fm-test-server-hostile.c    hostile answers
 */
#pragma once

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <openssl/evp.h>

#include "fm-test-server.h"
#include "fm-test-server-hostile.h"

/* The reference's initialize example answers "transferurl":
 * "http://sl21.filemail.com/api/file/add": another host, another path than
 * the API's. Uploads are served on a second listener (its own port) under
 * the name "localhost", and nowhere else. */
#define UPLOAD_PATH     "/api/file/add"
#define DOWNLOAD_PATH   "/api/file/get"
#define MAX_CHUNK_SIZE  G_GINT64_CONSTANT (50000000)
#define MIN_CHUNK_SIZE  G_GINT64_CONSTANT (5000000)

typedef struct {
  const char *email;
  const char *password;
  int         login_error;   /* answered instead of a token */
  gboolean    admin;
  int         default_days;  /* the account's expiry ("days" not sent) */
} Account;

/* Test accounts: documented in HACKING.md. */
static const Account accounts[] G_GNUC_UNUSED = {
  { "alice@example.com", "alice-password", 0, TRUE, 30 },   /* a paying account */
  { "bob@example.com", "bob-password", 0, FALSE, 7 },
  { "carol@example.com", "carol-password", 0, FALSE, 7 },
  { "captcha@example.com", "captcha-password", 2005, FALSE, 7 },
  { "expired@example.com", "expired-password", 2004, FALSE, 7 },
  { "sso@example.com", "sso-password", 2011, FALSE, 7 },
};

typedef struct _Transfer Transfer;

typedef struct {
  Transfer *transfer;
  char     *id;
  char     *name;
  char     *path;
  gint64    chunk_size;
  gint64    chunks;
  gint64    size;          /* known once the last chunk arrived */
  guint8   *received;      /* one flag per chunk */
  guint    *receipts;      /* how many times each chunk was accepted */
  gint64    n_received;
  gboolean  deleted;
} File;

struct _Transfer {
  char      *id;
  char      *key;
  char      *download_key;
  char      *owner;        /* e-mail of the logged-in sender, or NULL */
  char      *from;
  GPtrArray *to;
  char      *subject;
  char      *message;
  char      *password;
  gboolean   notify;
  gboolean   confirmation;
  gint64     days;
  gint64     sent_ms;
  gint64     expire_ms;
  gint64     downloads;
  gint64     transfer_size;
  const char *status;
  gboolean   deleted;
  gboolean   zip_stale;    /* a file was removed and /api/ziptransfer not called since */
  char      *init_params;  /* the parameter names initialize was given, sorted, comma-separated */
  GPtrArray *files;
  GHashTable *file_by_name; /* name -> the File of that name (fm_ts_transfer_name_file) */
};

struct _FmTestServer
{
  GObject      parent_instance;

  SoupServer  *server;
  SoupServer  *upload_server;   /* the transferurl's host: UPLOAD_PATH only */
  gboolean     tls;             /* both listeners serve https */
  GHashTable  *sockets;         /* every open connection's GSocket, shut down before disconnect */
  char        *root;
  guint        port;
  guint        upload_port;
  GHashTable  *tokens;        /* token -> e-mail */
  GHashTable  *transfers;     /* id -> Transfer */
  GHashTable  *files;         /* file id -> File */
  GRand       *rand;

  /* Fault injection, set by options or /test/config */
  double       fault_rate;
  gboolean     fault_406, fault_449, fault_500, fault_drop;
  guint        slow_ms;
  guint        download_drops;   /* the next N downloads are cut halfway */
  guint64      connection_rate;  /* bytes/s each download answer is sent at; 0: no cap */
  gboolean     no_ranges;        /* downloads ignore Range: 200 and the whole file */
  guint64      range_requests;   /* download answers that were 206 */
  guint        downloads_in_flight, downloads_in_flight_max;
  gint64       min_chunk_size;
  char        *upload_host;
  char        *upload_url_suffix;   /* appended to transferurl ("?a=b", "#top") */
  gboolean     strict;          /* only what the reference states: see fm-test-server-strict.c */
  gboolean     update_days_from_now;   /* update's "days" counted from now, not from the sent date */
  char        *api_key;
  char        *last_update;      /* the fields of the last transfer/update */
  char        *hostile;          /* fm-test-server-hostile.c: NULL, or a kind */
  char        *hostile_path;     /* NULL: every API and upload path */
  gint64       hostile_count;    /* answers left to spoil; -1: all */

  /* Counters for /test/stats */
  guint64      upload_requests;
  guint        uploads_in_flight;
  guint        uploads_in_flight_max;   /* the most chunk requests at once */
  guint64      faults_injected;
  guint64      secrets_in_query;
  guint64      chunks_without_md5;
  guint64      bytes_received;
};

typedef enum {
  SHAPE_GET,
  SHAPE_SENT_ITEM,
  SHAPE_RECEIVED_ITEM,
} TransferShape;

/* shared between the files (internal) */
void fm_ts_add_int (JsonBuilder *b, const char *name, gint64 value);
void fm_ts_add_string (JsonBuilder *b, const char *name, const char *value);
const char * fm_ts_domain_of (const char *email);
gboolean fm_ts_email_is_valid (const char *email);
void fm_ts_file_free (File *file);
const Account * fm_ts_find_account (const char *email);
void fm_ts_handle_cancel (FmTestServer *self, SoupServerMessage *msg, GHashTable *params);
void fm_ts_handle_complete (FmTestServer *self, SoupServerMessage *msg, GHashTable *params);
void fm_ts_handle_delete (FmTestServer *self, SoupServerMessage *msg, GHashTable *params);
void fm_ts_handle_download (FmTestServer *self, SoupServerMessage *msg, GHashTable *params);
void fm_ts_handle_file_delete (FmTestServer *self, SoupServerMessage *msg, GHashTable *params);
void fm_ts_handle_file_rename (FmTestServer *self, SoupServerMessage *msg, GHashTable *params);
void fm_ts_handle_forward (FmTestServer *self, SoupServerMessage *msg, GHashTable *params);
void fm_ts_handle_get (FmTestServer *self, SoupServerMessage *msg, GHashTable *params);
void fm_ts_handle_initialize (FmTestServer *self, SoupServerMessage *msg, GHashTable *params);
void fm_ts_handle_received (FmTestServer *self, SoupServerMessage *msg, GHashTable *params);
void fm_ts_handle_sent (FmTestServer *self, SoupServerMessage *msg, GHashTable *params);
void fm_ts_handle_test_config (FmTestServer *self, SoupServerMessage *msg, GHashTable *params);
void fm_ts_handle_test_expire (FmTestServer *self, SoupServerMessage *msg, GHashTable *params);
void fm_ts_handle_test_age (FmTestServer *self, SoupServerMessage *msg, GHashTable *params);
void fm_ts_handle_test_seed (FmTestServer *self, SoupServerMessage *msg, GHashTable *params);
void fm_ts_handle_test_stats (FmTestServer *self, SoupServerMessage *msg, GHashTable *params);
void fm_ts_handle_update (FmTestServer *self, SoupServerMessage *msg, GHashTable *params);
void fm_ts_handle_ziptransfer (FmTestServer *self, SoupServerMessage *msg, GHashTable *params);
gboolean fm_ts_strict_check_params (FmTestServer *self, SoupServerMessage *msg, const char *path, GHashTable *params);
void fm_ts_handle_upload (FmTestServer *self, SoupServerMessage *msg);
gint64 fm_ts_now_ms (void);
JsonBuilder * fm_ts_ok_builder (void);
gboolean fm_ts_optional_user (FmTestServer *self, SoupServerMessage *msg, GHashTable *params, const char **email);
const char * fm_ts_param (GHashTable *params, const char *name);
gboolean fm_ts_parse_bool (GHashTable *params, const char *name, gboolean *out, SoupServerMessage *msg);
gboolean fm_ts_parse_int (const char *value, gint64 min, gint64 max, gint64 *out);
char * fm_ts_random_id (FmTestServer *self, const char *alphabet, guint length);
void fm_ts_socket_gone_cb (gpointer data, GObject *socket);
void fm_ts_request_started_cb (SoupServer *server, SoupServerMessage *msg, FmTestServer *self);
const char * fm_ts_require_param (SoupServerMessage *msg, GHashTable *params, const char *name);
const char * fm_ts_require_user (FmTestServer *self, SoupServerMessage *msg, GHashTable *params);
void G_GNUC_PRINTF (3, 4) fm_ts_respond_error (SoupServerMessage *msg, int code, const char *format, ...);
void fm_ts_respond_json (SoupServerMessage *msg, JsonBuilder *builder);
void fm_ts_respond_ok (SoupServerMessage *msg, JsonBuilder *builder);
void fm_ts_respond_plain_ok (SoupServerMessage *msg);
const char * fm_ts_scheme (FmTestServer *self);
void fm_ts_transfer_free (Transfer *t);
void fm_ts_transfer_name_file (Transfer *t, File *f);
gboolean fm_ts_transfer_is_expired (Transfer *t);
