/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-automation.c: the work nobody started by hand (see fm-automation.h) */
#define G_LOG_DOMAIN "fm-automation"

#include <sys/stat.h>

#include <glib/gi18n-lib.h>

#include "fm-disk-space.h"
#include "fm-state-file.h"
#include "fm-arrivals.h"
#include "fm-automation.h"
#include "fm-error.h"
#include "fm-json.h"

#define FORMAT_VERSION   1
#define MAX_STATE_SIZE   (1 << 20)
#define MAX_IDS          1000      /* seen or pending, per account */
#define DEFAULT_INTERVAL (5 * 60)

struct _FmAutomation
{
  GObject          parent_instance;

  FmSession       *session;
  char            *state_path;      /* auto-downloads.json: the last look, per account */
  gboolean         auto_download;
  gboolean         allow_metered;
  gboolean         anyway;          /* "Send Anyway" on this metered connection */
  guint            interval_s;
  guint            timer_id;

  GNetworkMonitor *monitor;         /* the session's; NULL: a server on this computer */
  gboolean         was_available;
  GPtrArray       *held;            /* FmUploadJob resumed at start, waiting */
  GPtrArray       *pending;         /* transfer ids to download when allowed */
  GHashTable      *listed;          /* id -> FmTransfer as listed, for pending ones found in this run */

  char            *account;         /* "server email" the arrivals are for */
  FmArrivals      *arrivals;
  gboolean         checking;
  GListStore      *skipped;         /* FmTransfer behind a password */
  GHashTable      *asking;          /* id -> FmTransfer larger than max_size, waiting for the user */
  gint64           max_size;        /* bytes a transfer may have to come by itself; 0: any */
  GCancellable    *cancellable;
};

enum { PROP_0, PROP_HELD, PROP_METERED, N_PROPS };
enum { SIGNAL_RECEIVED, SIGNAL_ARRIVED, SIGNAL_SKIPPED, SIGNAL_TOO_LARGE, SIGNAL_NO_ROOM, N_SIGNALS };

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (FmAutomation, fm_automation, G_TYPE_OBJECT)

static void download_pending (FmAutomation *self);

/* ----------------------------------------------------------- metered */

gboolean
fm_automation_is_metered (FmAutomation *self)
{
  g_return_val_if_fail (FM_IS_AUTOMATION (self), FALSE);
  return self->monitor != NULL && g_network_monitor_get_network_metered (self->monitor);
}

static gboolean
may_work (FmAutomation *self)
{
  return !fm_automation_is_metered (self) || self->allow_metered || self->anyway;
}

guint
fm_automation_get_n_held_uploads (FmAutomation *self)
{
  guint n = 0;

  for (guint i = 0; i < self->held->len; i++)
    n += fm_upload_job_get_held (self->held->pdata[i]);
  return n;
}

/* Downloads of new transfers wait for a connection that is not metered. */
gboolean
fm_automation_get_downloads_waiting (FmAutomation *self)
{
  return self->auto_download && self->pending->len > 0 && !may_work (self);
}

/* Something nobody started by hand waits for the connection. */
gboolean
fm_automation_is_held (FmAutomation *self)
{
  g_return_val_if_fail (FM_IS_AUTOMATION (self), FALSE);
  return !may_work (self) && (fm_automation_get_n_held_uploads (self) > 0 ||
                              fm_automation_get_downloads_waiting (self));
}

static void
notify_held (FmAutomation *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HELD]);
}

/* The connection allows it now: what waited goes. */
static void
release (FmAutomation *self)
{
  g_autoptr(GPtrArray) jobs = g_steal_pointer (&self->held);

  self->held = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < jobs->len; i++)
    if (fm_upload_job_get_held (jobs->pdata[i]))
      fm_upload_job_resume (jobs->pdata[i]);
  download_pending (self);
  notify_held (self);
}

static void
network_changed_cb (FmAutomation *self)
{
  gboolean available = self->monitor == NULL || g_network_monitor_get_network_available (self->monitor);

  /* "Send Anyway" was for that connection */
  if (!fm_automation_is_metered (self))
    self->anyway = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_METERED]);
  if (may_work (self))
    release (self);
  else
    notify_held (self);
  /* back online: what arrived meanwhile */
  if (available && !self->was_available)
    fm_automation_check_now (self);
  self->was_available = available;
}

static void
monitor_changed_cb (FmAutomation *self)
{
  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  g_set_object (&self->monitor, fm_session_get_network_monitor (self->session));
  if (self->monitor != NULL)
    {
      g_signal_connect_object (self->monitor, "notify::network-metered", G_CALLBACK (network_changed_cb),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->monitor, "network-changed", G_CALLBACK (network_changed_cb),
                               self, G_CONNECT_SWAPPED);
    }
  self->was_available = self->monitor == NULL || g_network_monitor_get_network_available (self->monitor);
  network_changed_cb (self);
}

void
fm_automation_set_allow_metered (FmAutomation *self,
                                 gboolean      allow)
{
  g_return_if_fail (FM_IS_AUTOMATION (self));
  if (self->allow_metered == allow)
    return;
  self->allow_metered = allow;
  network_changed_cb (self);
}

/* The user's "Send Anyway": on this metered connection, the work waiting
 * and the work to come go. */
void
fm_automation_go_anyway (FmAutomation *self)
{
  g_return_if_fail (FM_IS_AUTOMATION (self));
  self->anyway = TRUE;
  release (self);
}

/* At start: unfinished uploads go on, or wait for the connection. */
void
fm_automation_resume_uploads (FmAutomation *self)
{
  GListModel *queue = G_LIST_MODEL (fm_session_get_queue (self->session));

  g_return_if_fail (FM_IS_AUTOMATION (self));
  for (guint i = 0; i < g_list_model_get_n_items (queue); i++)
    {
      g_autoptr(FmUploadJob) job = g_list_model_get_item (queue, i);

      /* one this installation did not save waits for the user (the row
       * says so): nothing the user did not start sends by itself */
      if (fm_upload_job_get_state (job) != FM_UPLOAD_STATE_PAUSED || fm_upload_job_get_unconfirmed (job))
        continue;
      if (may_work (self))
        fm_upload_job_resume (job);
      else
        {
          fm_upload_job_set_held (job, TRUE);
          g_ptr_array_add (self->held, g_object_ref (job));
          g_signal_connect_object (job, "notify::held", G_CALLBACK (notify_held), self, G_CONNECT_SWAPPED);
        }
    }
  notify_held (self);
}

/* ------------------------------------------------------- the last look */

static char *
account_key (FmAutomation *self)
{
  return fm_session_is_logged_in (self->session) ? fm_session_dup_account_key (self->session) : NULL;
}

static JsonObject *
load_state (FmAutomation *self)
{
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;
  gint64 version = 0;
  gsize length = 0;

  if (self->state_path == NULL ||
      (text = fm_state_file_read (self->state_path, MAX_STATE_SIZE, FM_STATE_FILE_NONE, &length, NULL)) == NULL)
    return json_object_new ();
  root = fm_json_parse_bounded (text, length, NULL);
  object = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  if (object == NULL || (fm_json_get_int64 (object, "version", &version) && version > FORMAT_VERSION) ||
      fm_json_get_object (object, "accounts") == NULL)
    return json_object_new ();
  return json_object_ref (fm_json_get_object (object, "accounts"));
}

static JsonArray *
ids_to_json (GStrv ids)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; ids != NULL && ids[i] != NULL && i < MAX_IDS; i++)
    json_array_add_string_element (array, ids[i]);
  return array;
}

static void
save_state (FmAutomation *self)
{
  g_autoptr(JsonObject) accounts = NULL;
  g_autoptr(JsonObject) root = json_object_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL, *dir = NULL;
  g_auto(GStrv) seen = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *entry;

  if (self->state_path == NULL || self->arrivals == NULL || self->account == NULL)
    return;
  accounts = load_state (self);
  entry = json_object_new ();
  seen = fm_arrivals_dup_seen (self->arrivals);
  g_ptr_array_add (self->pending, NULL);
  json_object_set_int_member (entry, "mark", fm_arrivals_get_mark (self->arrivals));
  json_object_set_array_member (entry, "seen", ids_to_json (seen));
  json_object_set_array_member (entry, "pending", ids_to_json ((GStrv) self->pending->pdata));
  g_ptr_array_remove_index (self->pending, self->pending->len - 1);
  json_object_set_object_member (accounts, self->account, entry);
  json_object_set_int_member (root, "version", FORMAT_VERSION);
  json_object_set_object_member (root, "accounts", json_object_ref (accounts));
  node = json_node_init_object (json_node_alloc (), root);
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);
  dir = g_path_get_dirname (self->state_path);
  g_mkdir_with_parents (dir, 0700);
  if (!g_file_set_contents_full (self->state_path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    g_warning ("Cannot remember the last look at the Inbox: %s", error->message);
}

static void
add_ids (GPtrArray  *into,
         JsonArray  *ids,
         FmArrivals *arrivals)
{
  for (guint i = 0; ids != NULL && i < json_array_get_length (ids) && i < MAX_IDS; i++)
    {
      JsonNode *node = json_array_get_element (ids, i);
      const char *id;

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        continue;
      id = json_node_get_string (node);
      if (*id == '\0' || strlen (id) > 64)
        continue;
      if (arrivals != NULL)
        fm_arrivals_add_seen (arrivals, id);
      else
        g_ptr_array_add (into, g_strdup (id));
    }
}

/* The arrivals of the account logged in now: from its last look, or from
 * now (what was there before automation was first on is not new). */
static void
ensure_arrivals (FmAutomation *self)
{
  g_autofree char *key = account_key (self);
  g_autoptr(JsonObject) accounts = NULL;
  JsonObject *entry;
  gint64 mark = g_get_real_time () / 1000;

  if (g_strcmp0 (key, self->account) == 0 && self->arrivals != NULL)
    return;
  g_clear_object (&self->arrivals);
  g_ptr_array_set_size (self->pending, 0);
  g_hash_table_remove_all (self->listed);
  g_free (self->account);
  self->account = g_steal_pointer (&key);
  if (self->account == NULL)
    return;
  accounts = load_state (self);
  entry = fm_json_get_object (accounts, self->account);
  if (entry != NULL && fm_json_get_int64 (entry, "mark", &mark) && mark < 0)
    mark = g_get_real_time () / 1000;
  self->arrivals = fm_arrivals_new (fm_session_get_client (self->session), mark);
  add_ids (NULL, fm_json_get_array (entry, "seen"), self->arrivals);
  add_ids (self->pending, fm_json_get_array (entry, "pending"), NULL);
}

/* --------------------------------------------------------- downloading */

typedef struct {
  FmAutomation *self;
  FmTransfer   *transfer;
  char         *folder;
  guint         n_files;
  guint         remaining;
  guint         failed;
} Arrival;

static void
arrival_free (Arrival *arrival)
{
  g_object_unref (arrival->self);
  g_object_unref (arrival->transfer);
  g_free (arrival->folder);
  g_free (arrival);
}

static void
file_settled_cb (FmDownloadJob *job,
                 GParamSpec    *pspec,
                 Arrival       *arrival)
{
  FmDownloadState state = fm_download_job_get_state (job);

  if (state == FM_DOWNLOAD_STATE_RUNNING || state == FM_DOWNLOAD_STATE_IDLE)
    return;
  g_signal_handlers_disconnect_by_func (job, file_settled_cb, arrival);
  arrival->failed += state != FM_DOWNLOAD_STATE_DONE;
  if (--arrival->remaining > 0)
    return;
  g_signal_emit (arrival->self, signals[SIGNAL_ARRIVED], 0, arrival->transfer, arrival->folder,
                 arrival->n_files - arrival->failed, arrival->failed);
  arrival_free (arrival);
}

/* A folder of its own under the download folder: the subject (else the
 * sender, else the id), made safe, "(1)" added if taken. */
static char *
transfer_folder (FmAutomation *self,
                 FmTransfer   *transfer)
{
  const char *subject = fm_transfer_get_subject (transfer);
  const char *from = fm_transfer_get_from (transfer);
  const char *name = subject != NULL && *subject != '\0' ? subject
                     : from != NULL && *from != '\0' ? from : fm_transfer_get_id (transfer);
  g_autofree char *safe = fm_download_safe_name (name);

  return fm_download_unique_path (fm_session_get_download_folder (self->session), safe);
}

static void
download_transfer (FmAutomation *self,
                   FmTransfer   *listed,
                   FmTransfer   *full)
{
  GListModel *files = fm_transfer_get_files (full);
  guint n = files != NULL ? g_list_model_get_n_items (files) : 0;
  Arrival *arrival;

  if (n == 0)
    return;
  arrival = g_new0 (Arrival, 1);
  arrival->self = g_object_ref (self);
  /* the list's item has the subject transfer/get does not show; transfer/get
   * has the sender and the files the list does not */
  if (listed != NULL)
    fm_transfer_merge_details (listed, full);
  arrival->transfer = g_object_ref (listed != NULL ? listed : full);
  arrival->folder = transfer_folder (self, arrival->transfer);
  arrival->n_files = arrival->remaining = n;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FmTransferFile) file = g_list_model_get_item (files, i);
      g_autoptr(GError) error = NULL;
      FmDownloadJob *job = fm_session_download (self->session, file, arrival->folder, &error);

      if (job == NULL)
        {
          g_warning ("Cannot download %s automatically: %s", fm_transfer_get_id (full), error->message);
          arrival->failed++;
          arrival->remaining--;
          continue;
        }
      g_signal_connect (job, "notify::state", G_CALLBACK (file_settled_cb), arrival);
    }
  if (arrival->remaining == 0)
    {
      g_signal_emit (self, signals[SIGNAL_ARRIVED], 0, arrival->transfer, arrival->folder, 0, arrival->failed);
      arrival_free (arrival);
    }
}

static gint64
transfer_size (FmTransfer *transfer)
{
  GListModel *files = fm_transfer_get_files (transfer);
  gint64 sum = 0;

  if (fm_transfer_get_size (transfer) >= 0)
    return fm_transfer_get_size (transfer);
  for (guint i = 0; files != NULL && i < g_list_model_get_n_items (files); i++)
    {
      g_autoptr(FmTransferFile) file = g_list_model_get_item (files, i);

      sum += MAX (fm_transfer_file_get_filesize (file), 0);
    }
  return sum;
}

/* Nobody asked for an automatic download: it comes only while it fits the
 * disk with FM_DISK_MARGIN_AUTOMATIC to spare, and, above max_size, only
 * when the user says so ("too-large": Download or Skip). */
static void
consider_transfer (FmAutomation *self,
                   FmTransfer   *listed,
                   FmTransfer   *full)
{
  FmTransfer *shown = listed != NULL ? listed : full;
  gint64 size = transfer_size (full);
  g_autoptr(GError) error = NULL;

  if (listed != NULL)
    fm_transfer_merge_details (listed, full);
  if (self->max_size > 0 && size > self->max_size)
    {
      g_hash_table_replace (self->asking, g_strdup (fm_transfer_get_id (full)), g_object_ref (full));
      g_signal_emit (self, signals[SIGNAL_TOO_LARGE], 0, shown, size);
      return;
    }
  if (!fm_disk_space_check (fm_session_get_download_folder (self->session), -1, size, FM_DISK_MARGIN_AUTOMATIC,
                            &error))
    {
      g_signal_emit (self, signals[SIGNAL_NO_ROOM], 0, shown, error->message);
      return;
    }
  download_transfer (self, listed, full);
}

/* The user's Download on a transfer that was too large to come by itself:
 * it comes now, if it fits the disk. FALSE: no such transfer waits. */
gboolean
fm_automation_download_anyway (FmAutomation  *self,
                               const char    *id,
                               GError       **error)
{
  g_autoptr(FmTransfer) full = NULL;
  gpointer value = NULL;

  g_return_val_if_fail (FM_IS_AUTOMATION (self), FALSE);
  if (!g_hash_table_steal_extended (self->asking, id, NULL, &value))
    return FALSE;
  full = value;
  if (!fm_disk_space_check (fm_session_get_download_folder (self->session), -1, transfer_size (full),
                            FM_DISK_MARGIN_ASKED, error))
    return FALSE;
  download_transfer (self, NULL, full);
  return TRUE;
}

/* Skip: the transfer stays in the Inbox, nothing is downloaded. */
void
fm_automation_skip (FmAutomation *self,
                    const char   *id)
{
  g_return_if_fail (FM_IS_AUTOMATION (self));
  g_hash_table_remove (self->asking, id);
}

/* Bytes a transfer may have to be downloaded without asking (0: any). */
void
fm_automation_set_max_size (FmAutomation *self,
                            gint64        bytes)
{
  g_return_if_fail (FM_IS_AUTOMATION (self));
  self->max_size = MAX (bytes, 0);
}

typedef struct {
  FmAutomation *self;
  FmTransfer   *listed;   /* NULL for a pending id */
  char         *id;
} Lookup;

static void
lookup_free (Lookup *lookup)
{
  g_object_unref (lookup->self);
  g_clear_object (&lookup->listed);
  g_free (lookup->id);
  g_free (lookup);
}

static gboolean
is_pending (FmAutomation *self,
            const char   *id)
{
  for (guint i = 0; i < self->pending->len; i++)
    if (g_str_equal (self->pending->pdata[i], id))
      return TRUE;
  return FALSE;
}

static void
drop_pending (FmAutomation *self,
              const char   *id)
{
  for (guint i = 0; i < self->pending->len; i++)
    if (g_str_equal (self->pending->pdata[i], id))
      {
        g_ptr_array_remove_index (self->pending, i);
        return;
      }
}

/* A transfer known by its id alone. */
static FmTransfer *
transfer_of_id (const char *id)
{
  g_autoptr(JsonObject) object = json_object_new ();

  json_object_set_string_member (object, "id", id);
  return fm_transfer_new_from_json (object, NULL);
}

static void
got_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  Lookup *lookup = user_data;
  FmAutomation *self = lookup->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(FmTransfer) full = fm_client_transfer_get_finish (FM_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->session == NULL)
    {
      lookup_free (lookup);
      return;
    }
  if (full != NULL || fm_retry_policy_classify (0, error) != FM_RETRY_TRANSIENT)
    {
      drop_pending (self, lookup->id);
      g_hash_table_remove (self->listed, lookup->id);
    }
  if (g_error_matches (error, FM_ERROR, FM_ERROR_PASSWORD_REQUIRED))
    {
      /* a pending id of an earlier run: only its id is known (and the
       * password keeps transfer/get from saying more), but the user is
       * told all the same */
      g_autoptr(FmTransfer) t = lookup->listed != NULL ? g_object_ref (lookup->listed) : transfer_of_id (lookup->id);

      if (t != NULL)
        {
          g_list_store_append (self->skipped, t);
          g_signal_emit (self, signals[SIGNAL_SKIPPED], 0, t);
        }
    }
  else if (full != NULL)
    consider_transfer (self, lookup->listed, full);
  else
    g_debug ("transfer %s not downloaded now: %s", lookup->id, error->message);
  save_state (self);
  notify_held (self);
  lookup_free (lookup);
}

static void
look_up (FmAutomation *self,
         const char   *id,
         FmTransfer   *listed)
{
  Lookup *lookup = g_new0 (Lookup, 1);

  lookup->self = g_object_ref (self);
  lookup->listed = listed != NULL ? g_object_ref (listed) : NULL;
  lookup->id = g_strdup (id);
  fm_client_transfer_get_async (fm_session_get_client (self->session), id, NULL, self->cancellable, got_cb, lookup);
}

/* The transfers kept for later: now, if the connection allows. */
static void
download_pending (FmAutomation *self)
{
  g_auto(GStrv) ids = NULL;

  if (!self->auto_download || !may_work (self) || self->pending->len == 0 ||
      !fm_session_is_logged_in (self->session))
    return;
  g_ptr_array_add (self->pending, NULL);
  ids = g_strdupv ((char **) self->pending->pdata);
  g_ptr_array_remove_index (self->pending, self->pending->len - 1);
  for (guint i = 0; ids[i] != NULL; i++)
    look_up (self, ids[i], g_hash_table_lookup (self->listed, ids[i]));
}

static void
arrivals_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(FmAutomation) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) fresh = fm_arrivals_check_finish (FM_ARRIVALS (source), result, &error);

  self->checking = FALSE;
  if (fresh == NULL || self->session == NULL)
    {
      g_debug ("new transfers not checked: %s", error != NULL ? error->message : "gone");
      return;
    }
  for (guint i = 0; i < g_list_model_get_n_items (fresh); i++)
    {
      g_autoptr(FmTransfer) t = g_list_model_get_item (fresh, i);

      g_signal_emit (self, signals[SIGNAL_RECEIVED], 0, t);
      if (!self->auto_download)
        continue;
      if (!may_work (self))
        {
          /* kept, by id: a metered connection waits */
          if (!is_pending (self, fm_transfer_get_id (t)) && self->pending->len < MAX_IDS)
            g_ptr_array_add (self->pending, g_strdup (fm_transfer_get_id (t)));
          /* its subject names the folder: transfer/get does not show it */
          g_hash_table_replace (self->listed, g_strdup (fm_transfer_get_id (t)), g_object_ref (t));
          continue;
        }
      if (!is_pending (self, fm_transfer_get_id (t)))
        g_ptr_array_add (self->pending, g_strdup (fm_transfer_get_id (t)));
      look_up (self, fm_transfer_get_id (t), t);
    }
  save_state (self);
  notify_held (self);
}

/* What arrived since the last look (the Inbox's own refresh is another
 * thing: it always asks for everything). */
void
fm_automation_check_now (FmAutomation *self)
{
  g_return_if_fail (FM_IS_AUTOMATION (self));
  if (self->session == NULL || self->checking || !fm_session_is_logged_in (self->session))
    return;
  ensure_arrivals (self);
  if (self->arrivals == NULL)
    return;
  download_pending (self);
  self->checking = TRUE;
  fm_arrivals_check_async (self->arrivals, self->cancellable, arrivals_cb, g_object_ref (self));
}

static gboolean
timer_cb (gpointer data)
{
  fm_automation_check_now (data);
  return G_SOURCE_CONTINUE;
}

static void
restart_timer (FmAutomation *self)
{
  g_clear_handle_id (&self->timer_id, g_source_remove);
  self->timer_id = g_timeout_add_seconds (self->interval_s, timer_cb, self);
}

void
fm_automation_set_interval (FmAutomation *self,
                            guint         seconds)
{
  g_return_if_fail (FM_IS_AUTOMATION (self));
  seconds = CLAMP (seconds, 1, 24 * 3600);
  if (seconds == self->interval_s && self->timer_id != 0)
    return;
  self->interval_s = seconds;
  restart_timer (self);
}

void
fm_automation_set_auto_download (FmAutomation *self,
                                 gboolean      enabled)
{
  g_return_if_fail (FM_IS_AUTOMATION (self));
  if (self->auto_download == enabled)
    return;
  self->auto_download = enabled;
  if (enabled)
    fm_automation_check_now (self);
  notify_held (self);
}

gboolean
fm_automation_get_auto_download (FmAutomation *self)
{
  g_return_val_if_fail (FM_IS_AUTOMATION (self), FALSE);
  return self->auto_download;
}

GListModel *
fm_automation_get_skipped (FmAutomation *self)
{
  g_return_val_if_fail (FM_IS_AUTOMATION (self), NULL);
  return G_LIST_MODEL (self->skipped);
}

/* A login (at start, or by hand) is the moment to look; a logout forgets
 * the account's arrivals here (its last look stays on disk). */
static void
logged_in_cb (FmAutomation *self)
{
  if (self->session == NULL)
    return;
  if (fm_session_is_logged_in (self->session))
    {
      fm_automation_check_now (self);
      return;
    }
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->checking = FALSE;
  g_clear_object (&self->arrivals);
  g_clear_pointer (&self->account, g_free);
  g_ptr_array_set_size (self->pending, 0);
  g_hash_table_remove_all (self->listed);
  g_list_store_remove_all (self->skipped);
  notify_held (self);
}

/* ------------------------------------------------------------ GObject */

static void
fm_automation_dispose (GObject *object)
{
  FmAutomation *self = FM_AUTOMATION (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->timer_id, g_source_remove);
  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  for (guint i = 0; self->held != NULL && i < self->held->len; i++)
    g_signal_handlers_disconnect_by_data (self->held->pdata[i], self);
  g_clear_object (&self->monitor);
  g_clear_object (&self->session);
  g_clear_object (&self->arrivals);
  G_OBJECT_CLASS (fm_automation_parent_class)->dispose (object);
}

static void
fm_automation_finalize (GObject *object)
{
  FmAutomation *self = FM_AUTOMATION (object);

  g_free (self->state_path);
  g_free (self->account);
  g_ptr_array_unref (self->held);
  g_ptr_array_unref (self->pending);
  g_hash_table_unref (self->listed);
  g_clear_object (&self->skipped);
  g_clear_pointer (&self->asking, g_hash_table_unref);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (fm_automation_parent_class)->finalize (object);
}

static void
fm_automation_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  FmAutomation *self = FM_AUTOMATION (object);

  switch (prop_id)
    {
    case PROP_HELD: g_value_set_boolean (value, fm_automation_is_held (self)); break;
    case PROP_METERED: g_value_set_boolean (value, fm_automation_is_metered (self)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fm_automation_class_init (FmAutomationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->dispose = fm_automation_dispose;
  object_class->finalize = fm_automation_finalize;
  object_class->get_property = fm_automation_get_property;
  /* notified whenever it may have changed */
  properties[PROP_HELD] = g_param_spec_boolean ("held", NULL, NULL, FALSE, flags);
  properties[PROP_METERED] = g_param_spec_boolean ("metered", NULL, NULL, FALSE, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* a new transfer in the Inbox (FmTransfer, as the list shows it) */
  signals[SIGNAL_RECEIVED] = g_signal_new ("received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                           NULL, NULL, NULL, G_TYPE_NONE, 1, FM_TYPE_TRANSFER);
  /* its files are in (transfer, folder, files saved, files failed) */
  signals[SIGNAL_ARRIVED] = g_signal_new ("arrived", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                          NULL, NULL, NULL, G_TYPE_NONE, 4, FM_TYPE_TRANSFER,
                                          G_TYPE_STRING, G_TYPE_UINT, G_TYPE_UINT);
  /* behind a password: left for the user */
  signals[SIGNAL_SKIPPED] = g_signal_new ("skipped", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                          NULL, NULL, NULL, G_TYPE_NONE, 1, FM_TYPE_TRANSFER);
  /* larger than the limit for automatic downloads (transfer, bytes): the
   * user decides (fm_automation_download_anyway, fm_automation_skip) */
  signals[SIGNAL_TOO_LARGE] = g_signal_new ("too-large", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                            NULL, NULL, NULL, G_TYPE_NONE, 2, FM_TYPE_TRANSFER, G_TYPE_INT64);
  /* would not fit the disk with its margin (transfer, the sentence) */
  signals[SIGNAL_NO_ROOM] = g_signal_new ("no-room", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                          NULL, NULL, NULL, G_TYPE_NONE, 2, FM_TYPE_TRANSFER, G_TYPE_STRING);
}

static void
fm_automation_init (FmAutomation *self)
{
  self->held = g_ptr_array_new_with_free_func (g_object_unref);
  self->pending = g_ptr_array_new_with_free_func (g_free);
  self->listed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->skipped = g_list_store_new (FM_TYPE_TRANSFER);
  self->asking = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->cancellable = g_cancellable_new ();
  self->interval_s = DEFAULT_INTERVAL;
}

/* @state_path: where the last look is kept (NULL: nowhere). Nothing
 * happens until a login, fm_automation_resume_uploads() or a check. */
FmAutomation *
fm_automation_new (FmSession  *session,
                   const char *state_path)
{
  FmAutomation *self = g_object_new (FM_TYPE_AUTOMATION, NULL);

  self->session = g_object_ref (session);
  self->state_path = g_strdup (state_path);
  g_signal_connect_object (session, "notify::network-monitor", G_CALLBACK (monitor_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::logged-in", G_CALLBACK (logged_in_cb), self, G_CONNECT_SWAPPED);
  monitor_changed_cb (self);
  restart_timer (self);
  return self;
}
