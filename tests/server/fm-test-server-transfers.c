/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-test-server-transfers.c: the transfer, file and list endpoints of the
 * test server, answered exactly as the reference's examples show, and the
 * test controls under /test/ (config, expire, seed, stats). */
#define G_LOG_DOMAIN "fm-test-server"

#include "fm-test-server-private.h"

/* ------------------------------------------------------------ transfers */

/* An anonymous transfer (no login at initialize) has no owner at all. */
static gboolean
is_owner (Transfer   *t,
          const char *user)
{
  return t->owner != NULL && user != NULL && g_str_equal (t->owner, user);
}

gboolean
fm_ts_transfer_is_expired (Transfer *t)
{
  return t->expire_ms > 0 && t->expire_ms <= fm_ts_now_ms ();
}

/* Finds a live transfer or answers the error the reference lists. */
static Transfer *
lookup_transfer (FmTestServer      *self,
                 SoupServerMessage *msg,
                 const char        *id)
{
  /* ids are case-insensitive (the reference's transfer/get answers
   * "qxrfkirjzwjvwbp" for HGTUIJBGTRFGJPO); this server makes them upper */
  g_autofree char *upper = g_ascii_strup (id, -1);
  Transfer *t = g_hash_table_lookup (self->transfers, upper);

  if (t == NULL || t->deleted || g_strcmp0 (t->status, "STATUS_CANCELLED") == 0)
    {
      fm_ts_respond_error (msg, 1005, "Transfer not found: %s", id);
      return NULL;
    }
  if (fm_ts_transfer_is_expired (t))
    {
      fm_ts_respond_error (msg, 4001, "The transfer has expired");
      return NULL;
    }
  return t;
}

static Transfer *
lookup_owned_transfer (FmTestServer      *self,
                       SoupServerMessage *msg,
                       GHashTable        *params,
                       const char        *user)
{
  const char *id = fm_ts_require_param (msg, params, "transferid");
  Transfer *t = id != NULL ? lookup_transfer (self, msg, id) : NULL;

  if (t != NULL && !is_owner (t, user))
    {
      fm_ts_respond_error (msg, 2008, "Only the sender can change this transfer");
      return NULL;
    }
  return t;
}

static gboolean
check_recipients (SoupServerMessage *msg,
                  const char        *list,
                  GPtrArray         *out)
{
  g_auto(GStrv) parts = g_strsplit (list, ",", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *email = g_strstrip (parts[i]);

      if (*email == '\0')
        continue;
      if (!fm_ts_email_is_valid (email))
        {
          fm_ts_respond_error (msg, 1004, "Invalid e-mail address: %s", email);
          return FALSE;
        }
      g_ptr_array_add (out, g_strdup (email));
    }
  return TRUE;
}

static gboolean
source_is_valid (const char *source)
{
  static const char *valid[] = { "Web", "Iphone", "Ipad", "WindowsPhone", "WindowsTab",
                                 "AndroidPhone", "AndroidTab", "Outlook", "Desktop" };

  for (gsize i = 0; i < G_N_ELEMENTS (valid); i++)
    if (g_strcmp0 (source, valid[i]) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
parse_initialize_fields (SoupServerMessage *msg,
                         GHashTable        *params,
                         Transfer          *t)
{
  const char *from = fm_ts_param (params, "from");
  const char *subject = fm_ts_param (params, "subject");
  const char *source = fm_ts_param (params, "source");
  const char *days = fm_ts_param (params, "days");
  const char *size = fm_ts_param (params, "transfersize");

  if (from != NULL && !fm_ts_email_is_valid (from))
    {
      fm_ts_respond_error (msg, 1004, "Invalid sender address: %s", from);
      return FALSE;
    }
  if (subject != NULL && g_utf8_strlen (subject, -1) > 200)
    {
      fm_ts_respond_error (msg, 1002, "The subject is longer than 200 characters");
      return FALSE;
    }
  if (source != NULL && !source_is_valid (source))
    {
      fm_ts_respond_error (msg, 1002, "Invalid source: %s", source);
      return FALSE;
    }
  if (days != NULL && !fm_ts_parse_int (days, 1, 3650, &t->days))
    {
      fm_ts_respond_error (msg, 1002, "\"days\" must be a number of days");
      return FALSE;
    }
  if (size != NULL && !fm_ts_parse_int (size, 0, G_MAXINT64, &t->transfer_size))
    {
      fm_ts_respond_error (msg, 1002, "\"transfersize\" must be a number of bytes");
      return FALSE;
    }
  if (!fm_ts_parse_bool (params, "notify", &t->notify, msg) ||
      !fm_ts_parse_bool (params, "confirmation", &t->confirmation, msg))
    return FALSE;
  if (fm_ts_param (params, "to") != NULL && !check_recipients (msg, fm_ts_param (params, "to"), t->to))
    return FALSE;
  t->from = g_strdup (from);
  t->subject = g_strdup (subject);
  t->message = g_strdup (fm_ts_param (params, "message"));
  t->password = g_strdup (fm_ts_param (params, "password"));
  return TRUE;
}

/* "days,subject,to": which parameters a request carried (tests ask) */
static char *
param_names (GHashTable *params)
{
  GList *names = g_list_sort (g_hash_table_get_keys (params), (GCompareFunc) strcmp);
  GString *text = g_string_new (NULL);

  for (GList *l = names; l != NULL; l = l->next)
    g_string_append_printf (text, "%s%s", text->len > 0 ? "," : "", (const char *) l->data);
  g_list_free (names);
  return g_string_free (text, FALSE);
}

static Transfer *
transfer_new (void)
{
  Transfer *t = g_new0 (Transfer, 1);

  t->to = g_ptr_array_new_with_free_func (g_free);
  t->files = g_ptr_array_new ();
  t->days = 7;
  t->transfer_size = -1;
  t->status = "STATUS_INITIALIZED";
  return t;
}

void
fm_ts_handle_initialize (FmTestServer      *self,
                   SoupServerMessage *msg,
                   GHashTable        *params)
{
  const char *user = NULL;
  Transfer *t;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autofree char *upload_url = NULL;

  if (!fm_ts_optional_user (self, msg, params, &user))
    return;
  t = transfer_new ();
  if (!parse_initialize_fields (msg, params, t))
    {
      fm_ts_transfer_free (t);
      return;
    }
  t->owner = g_strdup (user);
  if (t->from == NULL)
    t->from = g_strdup (user);
  /* "days: Set to default value of account if not specified" */
  if (fm_ts_param (params, "days") == NULL && user != NULL && fm_ts_find_account (user) != NULL)
    t->days = fm_ts_find_account (user)->default_days;
  t->init_params = param_names (params);
  t->id = fm_ts_random_id (self, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", 15);
  t->key = fm_ts_random_id (self, "0123456789abcdef", 32);
  t->download_key = fm_ts_random_id (self, "0123456789abcdef", 16);
  t->sent_ms = fm_ts_now_ms ();
  t->expire_ms = t->sent_ms + t->days * 86400 * G_GINT64_CONSTANT (1000);
  g_hash_table_insert (self->transfers, t->id, t);

  upload_url = g_strdup_printf ("%s://%s:%u" UPLOAD_PATH "%s", fm_ts_scheme (self), self->upload_host,
                                self->upload_port, self->upload_url_suffix ? self->upload_url_suffix : "");
  builder = fm_ts_ok_builder ();
  json_builder_set_member_name (builder, "transferid");
  json_builder_add_string_value (builder, t->id);
  json_builder_set_member_name (builder, "transferkey");
  json_builder_add_string_value (builder, t->key);
  json_builder_set_member_name (builder, "transferurl");
  json_builder_add_string_value (builder, upload_url);
  fm_ts_respond_ok (msg, builder);
}

static Transfer *
lookup_keyed_transfer (FmTestServer      *self,
                       SoupServerMessage *msg,
                       GHashTable        *params)
{
  const char *id = fm_ts_require_param (msg, params, "transferid");
  const char *key = id ? fm_ts_require_param (msg, params, "transferkey") : NULL;
  Transfer *t = key != NULL ? lookup_transfer (self, msg, id) : NULL;

  if (t != NULL && g_strcmp0 (t->key, key) != 0)
    {
      fm_ts_respond_error (msg, 2008, "Wrong transfer key");
      return NULL;
    }
  return t;
}

static gint64
live_size (Transfer *t,
           guint    *n_files)
{
  gint64 size = 0;

  *n_files = 0;
  for (guint i = 0; i < t->files->len; i++)
    {
      File *f = g_ptr_array_index (t->files, i);

      if (f->deleted)
        continue;
      size += f->size;
      (*n_files)++;
    }
  return size;
}

static gboolean
all_files_complete (Transfer *t)
{
  for (guint i = 0; i < t->files->len; i++)
    {
      File *f = g_ptr_array_index (t->files, i);

      if (f->n_received != f->chunks)
        return FALSE;
    }
  return TRUE;
}

void
fm_ts_handle_complete (FmTestServer      *self,
                 SoupServerMessage *msg,
                 GHashTable        *params)
{
  Transfer *t = lookup_keyed_transfer (self, msg, params);
  g_autoptr(JsonBuilder) builder = NULL;
  g_autofree char *url = NULL;
  guint n_files;
  gint64 size;

  if (t == NULL)
    return;
  if (g_strcmp0 (t->status, "STATUS_INITIALIZED") != 0)
    {
      fm_ts_respond_error (msg, 3100, "The transfer is already %s", t->status);
      return;
    }
  if (t->files->len == 0)
    {
      fm_ts_respond_error (msg, 3100, "The transfer has no files");
      return;
    }
  if (!all_files_complete (t))
    {
      fm_ts_respond_error (msg, 4003, "Some chunks have not been uploaded");
      return;
    }
  size = live_size (t, &n_files);
  if (t->transfer_size >= 0 && size != t->transfer_size)
    {
      fm_ts_respond_error (msg, 1002, "transfersize was %" G_GINT64_FORMAT
                     " but %" G_GINT64_FORMAT " bytes were uploaded", t->transfer_size, size);
      return;
    }
  t->status = "STATUS_COMPLETE";
  t->sent_ms = fm_ts_now_ms ();
  t->expire_ms = t->sent_ms + t->days * 86400 * G_GINT64_CONSTANT (1000);

  url = g_strdup_printf ("%s://127.0.0.1:%u/d/%s", fm_ts_scheme (self), self->port, t->id);
  builder = fm_ts_ok_builder ();
  json_builder_set_member_name (builder, "downloadurl");
  json_builder_add_string_value (builder, url);
  fm_ts_respond_ok (msg, builder);
}

void
fm_ts_handle_cancel (FmTestServer      *self,
               SoupServerMessage *msg,
               GHashTable        *params)
{
  Transfer *t = lookup_keyed_transfer (self, msg, params);

  if (t == NULL)
    return;
  if (g_strcmp0 (t->status, "STATUS_INITIALIZED") != 0)
    {
      fm_ts_respond_error (msg, 3100, "Only an unfinished transfer can be cancelled");
      return;
    }
  t->status = "STATUS_CANCELLED";
  fm_ts_respond_plain_ok (msg);
}

void
fm_ts_add_string (JsonBuilder *b,
            const char  *name,
            const char  *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, value);
}

void
fm_ts_add_int (JsonBuilder *b,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

static void
add_file_json (FmTestServer *self,
               JsonBuilder  *b,
               Transfer     *t,
               File         *f)
{
  g_autofree char *url = g_strdup_printf ("%s://127.0.0.1:%u" DOWNLOAD_PATH "?fileid=%s&dk=%s",
                                          fm_ts_scheme (self), self->port, f->id, t->download_key);
  g_autofree char *preview = g_strdup_printf ("%s://127.0.0.1:%u/images/icons/file.png",
                                              fm_ts_scheme (self), self->port);

  json_builder_begin_object (b);
  fm_ts_add_string (b, "filename", f->name);
  fm_ts_add_int (b, "filesize", f->size);
  fm_ts_add_string (b, "downloadurl", url);
  fm_ts_add_string (b, "fileid", f->id);
  fm_ts_add_string (b, "smallpreview", preview);
  fm_ts_add_string (b, "largepreview", preview);
  json_builder_end_object (b);
}

/* Exactly the reference's shapes, no convenience field:
 * - transfer/get: from, message, expiredate, downloads, sentdate (ms),
 *   files, notify, status, id, url, size. No subject, no recipients.
 * - sent/get items: from, subject, message, expiredate, downloads,
 *   sentdate (seconds), files (always []: "Invoke /api/transfer/get in
 *   order to get filelist"), notify, responsestatus (the transfer's state),
 *   id. received/get items: the same without from. No recipients, link,
 *   size or files. */
static void
add_transfer_json (FmTestServer *self,
                   JsonBuilder  *b,
                   Transfer     *t,
                   TransferShape shape)
{
  gboolean detailed = shape == SHAPE_GET;
  gint64 div = detailed ? 1 : 1000;

  json_builder_begin_object (b);
  if (shape != SHAPE_RECEIVED_ITEM)
    fm_ts_add_string (b, "from", t->from);
  if (!detailed)
    fm_ts_add_string (b, "subject", t->subject);
  fm_ts_add_string (b, "message", t->message);
  fm_ts_add_int (b, "expiredate", t->expire_ms / div);
  fm_ts_add_int (b, "downloads", t->downloads);
  fm_ts_add_int (b, "sentdate", t->sent_ms / div);
  json_builder_set_member_name (b, "files");
  json_builder_begin_array (b);
  for (guint i = 0; detailed && i < t->files->len; i++)
    {
      File *f = g_ptr_array_index (t->files, i);

      if (!f->deleted)
        add_file_json (self, b, t, f);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "notify");
  json_builder_add_boolean_value (b, t->notify);
  fm_ts_add_string (b, detailed ? "status" : "responsestatus", t->status);
  if (detailed && self->strict)
    {
      /* as the reference's example: "id": "qxrfkirjzwjvwbp" */
      g_autofree char *lower = g_ascii_strdown (t->id, -1);
      fm_ts_add_string (b, "id", lower);
    }
  else
    fm_ts_add_string (b, "id", t->id);
  if (detailed)
    {
      g_autofree char *url = g_strdup_printf ("%s://127.0.0.1:%u/d/%s", fm_ts_scheme (self), self->port, t->id);
      guint n_files;

      fm_ts_add_string (b, "url", url);
      fm_ts_add_int (b, "size", live_size (t, &n_files));
    }
  json_builder_end_object (b);
}

void
fm_ts_handle_get (FmTestServer      *self,
            SoupServerMessage *msg,
            GHashTable        *params)
{
  const char *id = fm_ts_require_param (msg, params, "transferid");
  const char *user = NULL;
  const char *password = fm_ts_param (params, "password");
  Transfer *t;
  g_autoptr(JsonBuilder) builder = NULL;

  if (id == NULL || !fm_ts_optional_user (self, msg, params, &user))
    return;
  t = lookup_transfer (self, msg, id);
  if (t == NULL)
    return;
  if (g_strcmp0 (t->status, "STATUS_COMPLETE") != 0 && !is_owner (t, user))
    {
      fm_ts_respond_error (msg, 4003, "The upload is not complete");
      return;
    }
  if (t->password != NULL && !is_owner (t, user) &&
      g_strcmp0 (password, t->password) != 0)
    {
      fm_ts_respond_error (msg, 4002, password ? "Wrong password" : "This transfer needs a password");
      return;
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "transfer");
  add_transfer_json (self, builder, t, SHAPE_GET);
  /* The reference's transfer/get example answers "OK" in capitals. */
  fm_ts_add_string (builder, "responsestatus", "OK");
  json_builder_end_object (builder);
  fm_ts_respond_json (msg, builder);
}

void
fm_ts_handle_forward (FmTestServer      *self,
                SoupServerMessage *msg,
                GHashTable        *params)
{
  const char *user = fm_ts_require_user (self, msg, params);
  Transfer *t = user ? lookup_owned_transfer (self, msg, params, user) : NULL;
  const char *to = t ? fm_ts_require_param (msg, params, "to") : NULL;
  g_autoptr(GPtrArray) added = g_ptr_array_new_with_free_func (g_free);

  if (to == NULL || !check_recipients (msg, to, added))
    return;
  if (added->len == 0)
    {
      fm_ts_respond_error (msg, 1003, "Required parameter missing: \"to\"");
      return;
    }
  for (guint i = 0; i < added->len; i++)
    g_ptr_array_add (t->to, g_strdup (g_ptr_array_index (added, i)));
  fm_ts_respond_plain_ok (msg);
}

static void
remove_transfer_data (FmTestServer *self,
                      Transfer     *t)
{
  for (guint i = 0; i < t->files->len; i++)
    {
      File *f = g_ptr_array_index (t->files, i);

      g_unlink (f->path);
      f->deleted = TRUE;
    }
}

void
fm_ts_handle_delete (FmTestServer      *self,
               SoupServerMessage *msg,
               GHashTable        *params)
{
  const char *user = fm_ts_require_user (self, msg, params);
  Transfer *t = user ? lookup_owned_transfer (self, msg, params, user) : NULL;

  if (t == NULL)
    return;
  remove_transfer_data (self, t);
  t->deleted = TRUE;
  fm_ts_respond_plain_ok (msg);
}

void
fm_ts_handle_update (FmTestServer      *self,
               SoupServerMessage *msg,
               GHashTable        *params)
{
  const char *user = fm_ts_require_user (self, msg, params);
  Transfer *t = user ? lookup_owned_transfer (self, msg, params, user) : NULL;
  const char *subject, *days;
  gint64 n_days = 0;
  gboolean notify;

  if (t == NULL)
    return;
  /* which fields the client sent, for tests (/test/stats) */
  g_free (self->last_update);
  self->last_update = g_strdup_printf ("%s%s%s%s", fm_ts_param (params, "subject") ? "subject," : "",
                                       fm_ts_param (params, "message") ? "message," : "",
                                       fm_ts_param (params, "days") ? "days," : "",
                                       fm_ts_param (params, "notify") ? "notify," : "");
  subject = fm_ts_param (params, "subject");
  days = fm_ts_param (params, "days");
  notify = t->notify;
  if (subject != NULL && g_utf8_strlen (subject, -1) > 200)
    {
      fm_ts_respond_error (msg, 1002, "The subject is longer than 200 characters");
      return;
    }
  if (days != NULL && !fm_ts_parse_int (days, 1, 3650, &n_days))
    {
      fm_ts_respond_error (msg, 1002, "\"days\" must be a number of days");
      return;
    }
  if (!fm_ts_parse_bool (params, "notify", &notify, msg))
    return;
  if (subject != NULL)
    {
      g_free (t->subject);
      t->subject = g_strdup (subject);
    }
  if (g_hash_table_contains (params, "message"))
    {
      g_free (t->message);
      t->message = g_strdup (g_hash_table_lookup (params, "message"));
    }
  /* The reference: "How many days the transfer can be downloaded",
   * from when it does not say. Counted from the sent date here, as
   * initialize's days are; from now with update_days_from_now (strict
   * mode), so that tests see the client show what the server did, not
   * what it guessed. */
  if (days != NULL)
    {
      t->days = n_days;
      t->expire_ms = (self->update_days_from_now ? fm_ts_now_ms () : t->sent_ms) +
                     n_days * 86400 * G_GINT64_CONSTANT (1000);
    }
  t->notify = notify;
  fm_ts_respond_plain_ok (msg);
}

/* Finds a live file the caller may change, or answers the error. */
static File *
lookup_owned_file (FmTestServer      *self,
                   SoupServerMessage *msg,
                   GHashTable        *params,
                   const char        *user)
{
  const char *id = fm_ts_require_param (msg, params, "fileid");
  File *f = id != NULL ? g_hash_table_lookup (self->files, id) : NULL;

  if (id == NULL)
    return NULL;
  if (f == NULL || f->transfer->deleted)
    {
      fm_ts_respond_error (msg, 1005, "File not found: %s", id);
      return NULL;
    }
  if (f->deleted)
    {
      fm_ts_respond_error (msg, 4004, "The file is deleted");
      return NULL;
    }
  if (!is_owner (f->transfer, user))
    {
      fm_ts_respond_error (msg, 2008, "Only the sender can change this file");
      return NULL;
    }
  return f;
}

void
fm_ts_handle_file_rename (FmTestServer      *self,
                    SoupServerMessage *msg,
                    GHashTable        *params)
{
  const char *user = fm_ts_require_user (self, msg, params);
  File *f = user ? lookup_owned_file (self, msg, params, user) : NULL;
  const char *name = f ? fm_ts_require_param (msg, params, "filename") : NULL;

  if (name == NULL)
    return;
  if (strpbrk (name, "<>:\"/\\|?*") != NULL)
    {
      fm_ts_respond_error (msg, 1002, "The file name contains a character that is not allowed");
      return;
    }
  g_free (f->name);
  f->name = g_strdup (name);
  fm_ts_transfer_name_file (f->transfer, f);
  fm_ts_respond_plain_ok (msg);
}

void
fm_ts_handle_file_delete (FmTestServer      *self,
                    SoupServerMessage *msg,
                    GHashTable        *params)
{
  const char *user = fm_ts_require_user (self, msg, params);
  File *f = user ? lookup_owned_file (self, msg, params, user) : NULL;

  if (f == NULL)
    return;
  g_unlink (f->path);
  f->deleted = TRUE;
  /* "Remember to also update the ZIP file by invoking /api/ziptransfer
   * after removing files" */
  f->transfer->zip_stale = TRUE;
  fm_ts_respond_plain_ok (msg);
}

/* /api/ziptransfer: named, not described, by the reference (file/delete:
 * "update the ZIP file by invoking /api/ziptransfer"). Taken here: the
 * transfer's owner, transferid and logintoken, an "ok" answer. */
void
fm_ts_handle_ziptransfer (FmTestServer      *self,
                          SoupServerMessage *msg,
                          GHashTable        *params)
{
  const char *user = fm_ts_require_user (self, msg, params);
  Transfer *t = user ? lookup_owned_transfer (self, msg, params, user) : NULL;

  if (t == NULL)
    return;
  t->zip_stale = FALSE;
  fm_ts_respond_plain_ok (msg);
}

static gboolean
is_recipient (Transfer   *t,
              const char *email)
{
  for (guint i = 0; i < t->to->len; i++)
    if (g_ascii_strcasecmp (g_ptr_array_index (t->to, i), email) == 0)
      return TRUE;
  return FALSE;
}

static gint
compare_sent (gconstpointer a,
              gconstpointer b)
{
  const Transfer *ta = *(Transfer **) a, *tb = *(Transfer **) b;

  return ta->sent_ms < tb->sent_ms ? 1 : ta->sent_ms > tb->sent_ms ? -1 : strcmp (ta->id, tb->id);
}

static void
respond_list (FmTestServer      *self,
              SoupServerMessage *msg,
              GPtrArray         *list,
              TransferShape      shape)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_ptr_array_sort (list, compare_sent);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "transfers");
  json_builder_begin_array (builder);
  for (guint i = 0; i < list->len; i++)
    add_transfer_json (self, builder, g_ptr_array_index (list, i), shape);
  json_builder_end_array (builder);
  fm_ts_add_string (builder, "responsestatus", "OK");
  json_builder_end_object (builder);
  fm_ts_respond_json (msg, builder);
}

static gboolean
check_all_users (SoupServerMessage *msg,
                 GHashTable        *params,
                 const char        *name,
                 const char        *user,
                 gboolean          *all)
{
  *all = FALSE;
  if (!fm_ts_parse_bool (params, name, all, msg))
    return FALSE;
  if (*all && !fm_ts_find_account (user)->admin)
    {
      fm_ts_respond_error (msg, 2008, "Only a company administrator can see all users' transfers");
      return FALSE;
    }
  return TRUE;
}

void
fm_ts_handle_sent (FmTestServer      *self,
             SoupServerMessage *msg,
             GHashTable        *params)
{
  const char *user = fm_ts_require_user (self, msg, params);
  g_autoptr(GPtrArray) list = g_ptr_array_new ();
  gboolean expired = FALSE, all = FALSE;
  GHashTableIter iter;
  Transfer *t;

  if (user == NULL || !fm_ts_parse_bool (params, "getexpired", &expired, msg) ||
      !check_all_users (msg, params, "getforallusers", user, &all))
    return;
  g_hash_table_iter_init (&iter, self->transfers);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &t))
    {
      gboolean mine = is_owner (t, user) ||
                      (all && t->owner && g_str_equal (fm_ts_domain_of (t->owner), fm_ts_domain_of (user)));

      if (mine && !t->deleted && g_strcmp0 (t->status, "STATUS_CANCELLED") != 0 &&
          (expired || !fm_ts_transfer_is_expired (t)))
        g_ptr_array_add (list, t);
    }
  respond_list (self, msg, list, SHAPE_SENT_ITEM);
}

static gboolean
received_by (Transfer   *t,
             const char *user,
             gboolean    all)
{
  if (is_recipient (t, user))
    return TRUE;
  for (guint i = 0; all && i < t->to->len; i++)
    if (g_str_equal (fm_ts_domain_of (g_ptr_array_index (t->to, i)), fm_ts_domain_of (user)))
      return TRUE;
  return FALSE;
}

void
fm_ts_handle_received (FmTestServer      *self,
                 SoupServerMessage *msg,
                 GHashTable        *params)
{
  const char *user = fm_ts_require_user (self, msg, params);
  g_autoptr(GPtrArray) list = g_ptr_array_new ();
  gboolean all = FALSE;
  gint64 from = 0;
  GHashTableIter iter;
  Transfer *t;

  if (user == NULL || !check_all_users (msg, params, "getForAllUsers", user, &all))
    return;
  if (fm_ts_param (params, "from") != NULL && !fm_ts_parse_int (fm_ts_param (params, "from"), 0, G_MAXINT64, &from))
    {
      fm_ts_respond_error (msg, 1002, "\"from\" must be a time in milliseconds");
      return;
    }
  g_hash_table_iter_init (&iter, self->transfers);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &t))
    if (!t->deleted && g_strcmp0 (t->status, "STATUS_COMPLETE") == 0 &&
        t->sent_ms >= from && !fm_ts_transfer_is_expired (t) && received_by (t, user, all))
      g_ptr_array_add (list, t);
  respond_list (self, msg, list, SHAPE_RECEIVED_ITEM);
}

/* ------------------------------------------------------- test controls */

void
fm_ts_handle_test_config (FmTestServer      *self,
                    SoupServerMessage *msg,
                    GHashTable        *params)
{
  GHashTableIter iter;
  gpointer key, value;
  g_autoptr(GError) error = NULL;

  g_hash_table_iter_init (&iter, params);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!fm_test_server_configure (self, key, value, &error))
      {
        fm_ts_respond_error (msg, 1002, "%s", error->message);
        return;
      }
  fm_ts_respond_plain_ok (msg);
}

gboolean
fm_test_server_expire_transfer (FmTestServer *self,
                                const char   *id)
{
  Transfer *t = g_hash_table_lookup (self->transfers, id);

  if (t == NULL)
    return FALSE;
  t->expire_ms = fm_ts_now_ms () - 1000;
  return TRUE;
}

void
fm_ts_handle_test_expire (FmTestServer      *self,
                    SoupServerMessage *msg,
                    GHashTable        *params)
{
  const char *id = fm_ts_require_param (msg, params, "transferid");

  if (id == NULL)
    return;
  if (!fm_test_server_expire_transfer (self, id))
    {
      fm_ts_respond_error (msg, 1005, "Transfer not found: %s", id);
      return;
    }
  fm_ts_respond_plain_ok (msg);
}

/* POST /test/age?transferid=ID&days=N: the transfer was sent N days
 * earlier than it was (its expiry moves with it), for edits of old
 * transfers. */
void
fm_ts_handle_test_age (FmTestServer      *self,
                       SoupServerMessage *msg,
                       GHashTable        *params)
{
  const char *id = fm_ts_require_param (msg, params, "transferid");
  g_autofree char *upper = id != NULL ? g_ascii_strup (id, -1) : NULL;
  Transfer *t = upper != NULL ? g_hash_table_lookup (self->transfers, upper) : NULL;
  gint64 days = 0;

  if (id == NULL)
    return;
  if (t == NULL || !fm_ts_parse_int (fm_ts_param (params, "days"), 0, 3650, &days))
    {
      fm_ts_respond_error (msg, 1005, "No such transfer, or days is not 0 to 3650: %s", id);
      return;
    }
  t->sent_ms -= days * 86400 * G_GINT64_CONSTANT (1000);
  t->expire_ms -= days * 86400 * G_GINT64_CONSTANT (1000);
  fm_ts_respond_plain_ok (msg);
}

/* A complete transfer from FROM to RECIPIENTS with N_FILES small files,
 * named NAMES[i] or "file-I.txt" ("file-FIRST.txt" when there is one). */
static gboolean
seed_transfer (FmTestServer *self,
               const char   *from,
               GStrv         recipients,
               char         *subject,
               const char   *password,
               gint64        sent_ms,
               guint         first,
               guint         n_files,
               const char   *filename,
               GError      **error)
{
  Transfer *t = transfer_new ();
  g_autofree char *dir = NULL;

  t->owner = g_strdup (from);
  t->from = g_strdup (from);
  for (guint r = 0; recipients[r] != NULL; r++)
    g_ptr_array_add (t->to, g_strstrip (g_strdup (recipients[r])));
  t->subject = subject;
  t->password = g_strdup (password);
  t->id = fm_ts_random_id (self, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", 15);
  t->key = fm_ts_random_id (self, "0123456789abcdef", 32);
  t->download_key = fm_ts_random_id (self, "0123456789abcdef", 16);
  t->sent_ms = sent_ms;
  t->expire_ms = t->sent_ms + t->days * 86400 * G_GINT64_CONSTANT (1000);
  t->status = "STATUS_COMPLETE";
  dir = g_build_filename (self->root, t->id, NULL);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "cannot create %s", dir);
      fm_ts_transfer_free (t);
      return FALSE;
    }
  for (guint i = 0; i < n_files; i++)
    {
      File *f = g_new0 (File, 1);
      g_autofree char *body = g_strdup_printf ("seed %u\n", first + i);

      f->transfer = t;
      f->id = fm_ts_random_id (self, "0123456789abcdef", 32);
      f->name = filename ? g_strdup (filename) : g_strdup_printf ("file-%u.txt", first + i);
      f->path = g_build_filename (dir, f->id, NULL);
      f->size = (gint64) strlen (body);
      f->chunk_size = MAX_CHUNK_SIZE;
      f->chunks = f->n_received = 1;
      f->received = g_new0 (guint8, 1);
      f->receipts = g_new0 (guint, 1);
      f->received[0] = 1;
      t->transfer_size += f->size;
      if (!g_file_set_contents (f->path, body, -1, error))
        {
          fm_ts_file_free (f);
          fm_ts_transfer_free (t);
          return FALSE;
        }
      g_ptr_array_add (t->files, f);
      fm_ts_transfer_name_file (t, f);
      g_hash_table_insert (self->files, f->id, f);
    }
  g_hash_table_insert (self->transfers, t->id, t);
  return TRUE;
}

/* COUNT complete transfers from FROM to TO (comma list), each with one
 * small file "file-N.txt" (or FILENAME, as given: hostile names for
 * download tests), sent a minute apart going back from now; SUBJECT gets
 * " N" appended. For list-scale tests, which must not spend
 * minutes uploading. Also POST /test/seed. */
gboolean
fm_test_server_seed (FmTestServer *self,
                     const char   *from,
                     const char   *to,
                     guint         count,
                     const char   *subject,
                     const char   *password,
                     const char   *filename,
                     GError      **error)
{
  g_auto(GStrv) recipients = g_strsplit (to, ",", -1);

  for (guint i = 0; i < count; i++)
    if (!seed_transfer (self, from, recipients, g_strdup_printf ("%s %u", subject ? subject : "Seeded", i),
                        password, fm_ts_now_ms () - (gint64) i * 60 * 1000, i, 1, filename, error))
      return FALSE;
  return TRUE;
}

/* One complete transfer from FROM to TO with N_FILES small files
 * "file-0.txt" … (also POST /test/seed with files=N): for the scale of a
 * transfer's own page. */
gboolean
fm_test_server_seed_files (FmTestServer *self,
                           const char   *from,
                           const char   *to,
                           const char   *subject,
                           guint         n_files,
                           GError      **error)
{
  g_auto(GStrv) recipients = g_strsplit (to, ",", -1);

  return seed_transfer (self, from, recipients, g_strdup (subject), NULL, fm_ts_now_ms (), 0, n_files, NULL, error);
}

void
fm_ts_handle_test_seed (FmTestServer      *self,
                  SoupServerMessage *msg,
                  GHashTable        *params)
{
  const char *from = fm_ts_require_param (msg, params, "from");
  const char *to = from ? fm_ts_require_param (msg, params, "to") : NULL;
  g_autoptr(GError) error = NULL;
  gint64 count = 0;

  if (to == NULL)
    return;
  if (fm_ts_param (params, "files") != NULL)
    {
      gint64 n_files = 0;

      if (!fm_ts_parse_int (fm_ts_param (params, "files"), 1, 100000, &n_files))
        {
          fm_ts_respond_error (msg, 1002, "files must be 1 to 100000");
          return;
        }
      if (!fm_test_server_seed_files (self, from, to, fm_ts_param (params, "subject") ?: "Seeded",
                                      (guint) n_files, &error))
        fm_ts_respond_error (msg, 1002, "%s", error->message);
      else
        fm_ts_respond_plain_ok (msg);
      return;
    }
  if (!fm_ts_parse_int (fm_ts_param (params, "count"), 1, 100000, &count))
    {
      fm_ts_respond_error (msg, 1002, "count must be 1 to 100000");
      return;
    }
  if (!fm_test_server_seed (self, from, to, (guint) count, fm_ts_param (params, "subject"),
                            fm_ts_param (params, "password"), fm_ts_param (params, "filename"), &error))
    {
      fm_ts_respond_error (msg, 1002, "%s", error->message);
      return;
    }
  fm_ts_respond_plain_ok (msg);
}

void
fm_ts_handle_test_stats (FmTestServer      *self,
                   SoupServerMessage *msg,
                   GHashTable        *params)
{
  g_autofree char *text = fm_test_server_get_stats (self);

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, text, strlen (text));
}

