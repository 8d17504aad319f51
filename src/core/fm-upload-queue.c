/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-upload-queue.c: the user's uploads, run a few at a time and saved */
#define G_LOG_DOMAIN "fm-upload-queue"

#include "fm-error.h"
#include "fm-format.h"
#include "fm-json.h"
#include "fm-upload-queue.h"

#define DEFAULT_MAX_RUNNING 2

struct _FmUploadQueue
{
  GObject          parent_instance;

  FmClient        *client;
  FmQueueStore    *store;
  FmSentHistory   *history;   /* beside the store: whom each transfer went to */
  GListStore      *jobs;
  GNetworkMonitor *monitor;
  guint            max_running;
  guint            schedule_id;
  gboolean         keep_finished;   /* done jobs stay on disk until removed */
};

static void fm_upload_queue_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FmUploadQueue, fm_upload_queue, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, fm_upload_queue_list_model_init))

static GType
get_item_type (GListModel *model)
{
  return FM_TYPE_UPLOAD_JOB;
}

static guint
get_n_items (GListModel *model)
{
  return g_list_model_get_n_items (G_LIST_MODEL (FM_UPLOAD_QUEUE (model)->jobs));
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  return g_list_model_get_item (G_LIST_MODEL (FM_UPLOAD_QUEUE (model)->jobs), position);
}

static void
fm_upload_queue_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static void
items_changed_cb (GListModel    *model,
                  guint          position,
                  guint          removed,
                  guint          added,
                  FmUploadQueue *self)
{
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
}

static void
save_job (FmUploadQueue *self,
          FmUploadJob   *job)
{
  FmUploadState state = fm_upload_job_get_state (job);
  g_autoptr(JsonObject) json = NULL;

  if (self->store == NULL)
    return;
  /* A job another process owns is that process's to save. A cancel is the
   * user's word wherever the job runs. */
  if (!fm_upload_job_holds_claim (job) && state != FM_UPLOAD_STATE_CANCELLED)
    return;
  /* Done and cancelled jobs are not worth keeping on disk (a done one is,
   * with keep-finished, until its owner has told the user its link) */
  if ((state == FM_UPLOAD_STATE_DONE && !self->keep_finished) || state == FM_UPLOAD_STATE_CANCELLED)
    {
      fm_queue_store_remove (self->store, fm_upload_job_get_id (job));
      return;
    }
  json = fm_upload_job_to_json_head (job);
  fm_queue_store_save_with_files (self->store, fm_upload_job_get_id (job), json,
                                  fm_upload_job_files_to_text (job));
}

guint
fm_upload_queue_get_n_active (FmUploadQueue *self)
{
  guint n = 0;

  for (guint i = 0; i < get_n_items (G_LIST_MODEL (self)); i++)
    {
      g_autoptr(FmUploadJob) job = get_item (G_LIST_MODEL (self), i);

      n += fm_upload_state_is_active (fm_upload_job_get_state (job));
    }
  return n;
}

/* Queued jobs start in order while fewer than max-running are active. */
static gboolean
schedule_cb (gpointer data)
{
  FmUploadQueue *self = data;
  guint active = fm_upload_queue_get_n_active (self);

  self->schedule_id = 0;
  for (guint i = 0; i < get_n_items (G_LIST_MODEL (self)) && active < self->max_running; i++)
    {
      g_autoptr(FmUploadJob) job = get_item (G_LIST_MODEL (self), i);

      if (fm_upload_job_get_state (job) != FM_UPLOAD_STATE_QUEUED)
        continue;
      fm_upload_job_start (job);
      active++;
    }
  return G_SOURCE_REMOVE;
}

static void
schedule (FmUploadQueue *self)
{
  if (self->schedule_id == 0)
    self->schedule_id = g_idle_add (schedule_cb, self);
}

/* An acknowledged chunk is one line in the job's journal (the cost does
 * not grow with the transfer); the whole job is saved again only when the
 * journal since its last snapshot is as long as the job has files and
 * chunks to write, so the snapshots cost O(1) per chunk too. */
static void
job_acked_cb (FmUploadJob   *job,
              guint          file,
              gint64         chunk,
              FmUploadQueue *self)
{
  guint lines;

  if (self->store == NULL || !fm_upload_job_holds_claim (job))
    return;
  lines = fm_queue_store_append_ack (self->store, fm_upload_job_get_id (job), file, chunk);
  g_object_set_data (G_OBJECT (job), "fm-journaled",
                     GINT_TO_POINTER (lines < 1024 + 2 * fm_upload_job_get_n_files (job)));
}

static void
job_changed_cb (FmUploadJob   *job,
                FmUploadQueue *self)
{
  /* the acknowledgement this "changed" is about is in the journal */
  if (g_object_get_data (G_OBJECT (job), "fm-journaled") != NULL)
    g_object_set_data (G_OBJECT (job), "fm-journaled", NULL);
  else
    save_job (self, job);
  if (!fm_upload_state_is_active (fm_upload_job_get_state (job)))
    schedule (self);
}

static void
fm_upload_queue_dispose (GObject *object)
{
  FmUploadQueue *self = FM_UPLOAD_QUEUE (object);

  g_clear_handle_id (&self->schedule_id, g_source_remove);
  if (self->jobs != NULL)
    for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->jobs)); i++)
      {
        g_autoptr(FmUploadJob) job = g_list_model_get_item (G_LIST_MODEL (self->jobs), i);
        g_signal_handlers_disconnect_by_data (job, self);
      }
  g_clear_object (&self->jobs);
  g_clear_object (&self->store);
  g_clear_object (&self->history);
  g_clear_object (&self->client);
  g_clear_object (&self->monitor);
  G_OBJECT_CLASS (fm_upload_queue_parent_class)->dispose (object);
}

static void
fm_upload_queue_class_init (FmUploadQueueClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = fm_upload_queue_dispose;
}

static void
fm_upload_queue_init (FmUploadQueue *self)
{
  self->jobs = g_list_store_new (FM_TYPE_UPLOAD_JOB);
  self->max_running = DEFAULT_MAX_RUNNING;
  g_signal_connect (self->jobs, "items-changed", G_CALLBACK (items_changed_cb), self);
}

/* @store may be NULL: nothing is saved. The system's network monitor is
 * used unless the server is on this machine, where "offline" means
 * nothing. */
FmUploadQueue *
fm_upload_queue_new (FmClient     *client,
                     FmQueueStore *store)
{
  FmUploadQueue *self = g_object_new (FM_TYPE_UPLOAD_QUEUE, NULL);

  self->client = g_object_ref (client);
  self->store = store != NULL ? g_object_ref (store) : NULL;
  if (store != NULL)
    {
      g_autofree char *parent = g_path_get_dirname (fm_queue_store_get_directory (store));
      g_autofree char *path = g_build_filename (parent, "sent-history.json", NULL);

      self->history = fm_sent_history_new (path);
    }
  if (!fm_client_url_is_loopback (fm_client_get_base_url (client)))
    self->monitor = g_object_ref (g_network_monitor_get_default ());
  return self;
}

FmClient *
fm_upload_queue_get_client (FmUploadQueue *self)
{
  return self->client;
}

FmQueueStore *
fm_upload_queue_get_store (FmUploadQueue *self)
{
  return self->store;
}

void
fm_upload_queue_set_max_running (FmUploadQueue *self,
                                 guint          max_running)
{
  self->max_running = MAX (1, max_running);
  schedule (self);
}

/* The monitor jobs wait on; NULL for a server on this computer. */
GNetworkMonitor *
fm_upload_queue_get_network_monitor (FmUploadQueue *self)
{
  return self->monitor;
}

void
fm_upload_queue_set_network_monitor (FmUploadQueue   *self,
                                     GNetworkMonitor *monitor)
{
  g_set_object (&self->monitor, monitor);
}

/* The moment a transfer exists on the server, whom it goes to is
 * remembered: the API will never say. */
static void
transfer_id_cb (FmUploadJob   *job,
                GParamSpec    *pspec,
                FmUploadQueue *self)
{
  g_autoptr(GError) error = NULL;
  const char *id = fm_upload_job_get_transfer_id (job);

  if (self->history == NULL || id == NULL || !fm_upload_job_holds_claim (job))
    return;
  if (!fm_sent_history_add (self->history, id, fm_upload_job_get_options (job)->to, &error))
    g_warning ("Cannot remember the recipients of %s: %s", id, error->message);
}

/* NULL without a store. */
FmSentHistory *
fm_upload_queue_get_history (FmUploadQueue *self)
{
  return self->history;
}

/* The queue watches and saves each job it holds. */
static void
adopt_job (FmUploadQueue *self,
           FmUploadJob   *job)
{
  g_signal_connect (job, "notify::transfer-id", G_CALLBACK (transfer_id_cb), self);
  fm_upload_job_set_network_monitor (job, self->monitor);
  if (self->store != NULL)
    fm_upload_job_set_lock_directory (job, fm_queue_store_get_directory (self->store));
  g_signal_connect (job, "chunk-acked", G_CALLBACK (job_acked_cb), self);
  g_signal_connect (job, "changed", G_CALLBACK (job_changed_cb), self);
}

static void
append_job (FmUploadQueue *self,
            FmUploadJob   *job)
{
  adopt_job (self, job);
  g_list_store_append (self->jobs, job);
}

void
fm_upload_queue_add (FmUploadQueue *self,
                     FmUploadJob   *job)
{
  g_return_if_fail (FM_IS_UPLOAD_JOB (job));
  append_job (self, job);
  /* a new job's id is new: nobody else can hold it */
  fm_upload_job_claim (job, NULL);
  save_job (self, job);
  schedule (self);
}

/* Saved jobs come back paused; a damaged entry is skipped with a warning
 * rather than losing the others. */
/* Saved jobs name their server; older ones (no "server") are anyone's. */
static gboolean
is_for_this_server (FmUploadQueue *self,
                    JsonObject    *saved)
{
  const char *server = fm_json_get_string (saved, "server");

  return server == NULL || g_strcmp0 (server, fm_client_get_base_url (self->client)) == 0;
}

/* What a damaged saved job still tells of itself, for the sentence that
 * reports it: its subject, else its recipients (cleaned: the file may
 * come from anyone). */
static char *
saved_title (JsonObject *saved)
{
  JsonObject *options = fm_json_get_object (saved, "options");
  const char *subject = options != NULL ? fm_json_get_string (options, "subject") : NULL;
  const char *to = options != NULL ? fm_json_get_string (options, "to") : NULL;
  const char *title = subject != NULL && *subject != '\0' ? subject : to;
  g_autofree char *shown = NULL;

  if (title == NULL || *title == '\0' || !g_utf8_validate (title, -1, NULL))
    return NULL;
  shown = fm_format_display_text (title);
  return g_utf8_substring (shown, 0, MIN (g_utf8_strlen (shown, -1), 80));
}

/* Whether a job that is done stays saved until fm_upload_queue_remove():
 * the CLI prints the link first, so a kill between the two never loses
 * it (the next `filemail resume` prints it). The app shows it at once. */
void
fm_upload_queue_set_keep_finished (FmUploadQueue *self,
                                   gboolean       keep)
{
  g_return_if_fail (FM_IS_UPLOAD_QUEUE (self));
  self->keep_finished = keep;
}

gboolean
fm_upload_queue_load (FmUploadQueue  *self,
                      GError        **error)
{
  g_autoptr(JsonArray) jobs = NULL;

  if (self->store == NULL)
    return TRUE;
  jobs = fm_queue_store_load (self->store, error);
  if (jobs == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (jobs); i++)
    {
      JsonNode *node = json_array_get_element (jobs, i);
      g_autoptr(GError) local_error = NULL;
      g_autoptr(FmUploadJob) job = NULL;

      /* a job saved for another server (a company server, the local test
       * server) waits on disk until that server is the one in use */
      if (JSON_NODE_HOLDS_OBJECT (node) && !is_for_this_server (self, json_node_get_object (node)))
        continue;
      if (JSON_NODE_HOLDS_OBJECT (node))
        job = fm_upload_job_new_from_json (self->client, json_node_get_object (node), &local_error);
      if (job == NULL && g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA))
        {
          g_autofree char *title = saved_title (json_node_get_object (node));

          fm_queue_store_set_aside (self->store, fm_json_get_string (json_node_get_object (node), "id"),
                                    title, local_error->message);
        }
      else if (job == NULL)
        g_warning ("Skipping a saved upload: %s", local_error ? local_error->message : "not an object");
      if (job == NULL)
        continue;
      if (fm_upload_queue_find (self, fm_upload_job_get_id (job)) != NULL)
        continue;
      /* not sealed by this installation: the user sends it, or nobody */
      fm_upload_job_set_unconfirmed (job, !fm_json_get_boolean (json_node_get_object (node), "trusted", FALSE));
      append_job (self, job);
      /* a job that finished in a process killed before it told its link:
       * shown (with the link) this once, then gone from the disk */
      if (fm_upload_job_get_state (job) == FM_UPLOAD_STATE_DONE && !self->keep_finished &&
          fm_upload_job_claim (job, NULL))
        fm_queue_store_remove (self->store, fm_upload_job_get_id (job));
    }
  return TRUE;
}

/* Undo of a removal: the job where it was in the list (done and
 * cancelled jobs are all that can be removed; neither is kept on disk). */
void
fm_upload_queue_put_back (FmUploadQueue *self,
                          FmUploadJob   *job,
                          guint          position)
{
  g_return_if_fail (FM_IS_UPLOAD_QUEUE (self));
  g_return_if_fail (FM_IS_UPLOAD_JOB (job));

  if (g_list_store_find (self->jobs, job, NULL))
    return;
  adopt_job (self, job);
  g_list_store_insert (self->jobs, MIN (position, g_list_model_get_n_items (G_LIST_MODEL (self->jobs))), job);
  save_job (self, job);
  schedule (self);
}

void
fm_upload_queue_remove (FmUploadQueue *self,
                        FmUploadJob   *job)
{
  guint position;

  if (!g_list_store_find (self->jobs, job, &position))
    return;
  g_signal_handlers_disconnect_by_data (job, self);
  g_list_store_remove (self->jobs, position);
  if (self->store != NULL)
    fm_queue_store_remove (self->store, fm_upload_job_get_id (job));
  schedule (self);
}

typedef struct {
  FmSentHistory *history;
  char          *transfer_id;
} Replaced;

static void
replaced_cancel_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Replaced *r = user_data;
  g_autoptr(GError) error = NULL;

  /* gone already (expired, deleted) or cancelled: nothing is left of it.
   * Otherwise it stays on the server as an unfinished transfer, marked
   * here so that this computer's Outbox says what it is. */
  if (!fm_client_transfer_cancel_finish (FM_CLIENT (source), result, &error) &&
      !g_error_matches (error, FM_ERROR, FM_ERROR_NOT_FOUND) &&
      !g_error_matches (error, FM_ERROR, FM_ERROR_TRANSFER_EXPIRED) && r->history != NULL)
    {
      g_debug ("the replaced transfer %s was not cancelled: %s", r->transfer_id, error->message);
      fm_sent_history_mark_replaced (r->history, r->transfer_id, NULL);
    }
  g_clear_object (&r->history);
  g_free (r->transfer_id);
  g_free (r);
}

/* The transfer Send Again replaces is unfinished on the server: "Cancels
 * an unfinished transfer" (/api/transfer/cancel, with the key the job
 * still has), so no second row with a dead link is left behind. */
static void
cancel_replaced (FmUploadQueue *self,
                 FmUploadJob   *job)
{
  Replaced *r;

  if (fm_upload_job_get_transfer_id (job) == NULL || fm_upload_job_get_transfer_key (job) == NULL)
    return;
  r = g_new0 (Replaced, 1);
  r->history = self->history != NULL ? g_object_ref (self->history) : NULL;
  r->transfer_id = g_strdup (fm_upload_job_get_transfer_id (job));
  fm_client_transfer_cancel_async (self->client, r->transfer_id, fm_upload_job_get_transfer_key (job), NULL,
                                   replaced_cancel_cb, r);
}

/* Send Again: a new transfer of @job's files, in @job's place in the
 * list; @job (failed, its transfer gone) leaves the queue and the disk,
 * and its transfer is cancelled on the server. Returns the new job,
 * owned by the queue. */
FmUploadJob *
fm_upload_queue_send_again (FmUploadQueue *self,
                            FmUploadJob   *job,
                            const char    *password)
{
  g_autoptr(FmUploadJob) again = NULL;
  guint position;

  g_return_val_if_fail (FM_IS_UPLOAD_QUEUE (self), NULL);
  g_return_val_if_fail (fm_upload_job_get_sources (job) != NULL, NULL);
  if (!g_list_store_find (self->jobs, job, &position))
    return NULL;
  again = fm_upload_job_new_again (job, password);
  cancel_replaced (self, job);
  adopt_job (self, again);
  /* in the old one's place: the row the user pressed becomes the new one */
  g_list_store_splice (self->jobs, position, 1, (gpointer *) &again, 1);
  g_signal_handlers_disconnect_by_data (job, self);
  if (self->store != NULL)
    fm_queue_store_remove (self->store, fm_upload_job_get_id (job));
  /* a new job's id is new: nobody else can hold it */
  fm_upload_job_claim (again, NULL);
  save_job (self, again);
  schedule (self);
  return again;   /* the store holds it */
}

/* By local id, by transfer id, or by a unique prefix of the local id. */
FmUploadJob *
fm_upload_queue_find (FmUploadQueue *self,
                      const char    *id)
{
  FmUploadJob *found = NULL;

  for (guint i = 0; i < get_n_items (G_LIST_MODEL (self)); i++)
    {
      g_autoptr(FmUploadJob) job = get_item (G_LIST_MODEL (self), i);

      if (g_strcmp0 (fm_upload_job_get_id (job), id) == 0 ||
          g_strcmp0 (fm_upload_job_get_transfer_id (job), id) == 0)
        return job;
      if (g_str_has_prefix (fm_upload_job_get_id (job), id))
        found = found == NULL ? job : found;
    }
  return found;
}
