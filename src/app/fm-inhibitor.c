/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-inhibitor.c: the computer stays awake while files move */
#define G_LOG_DOMAIN "fm-inhibitor"

#include <glib/gi18n.h>

#include "fm-inhibitor.h"

struct _FmInhibitor
{
  GObject         parent_instance;

  GtkApplication *application;   /* weak: the application owns this */
  FmSession      *session;
  guint           cookie;        /* 0: nothing inhibited */
  char           *reason;
  guint           update_id;
};

G_DEFINE_FINAL_TYPE (FmInhibitor, fm_inhibitor, G_TYPE_OBJECT)

static gboolean
upload_moves (FmUploadState state)
{
  /* waiting for the network, nothing moves: the machine may sleep */
  return state == FM_UPLOAD_STATE_INITIALIZING || state == FM_UPLOAD_STATE_UPLOADING ||
         state == FM_UPLOAD_STATE_COMPLETING;
}

/* "Sending 3 files", "Downloading 1 file", both, or NULL. */
static char *
describe (FmInhibitor *self)
{
  GListModel *queue = G_LIST_MODEL (fm_session_get_queue (self->session));
  g_autofree char *sending = NULL, *downloading = NULL;
  /* counted by the session: a list of 10,000 downloads is not walked */
  guint up = 0, down = fm_session_get_n_downloading (self->session);

  for (guint i = 0; i < g_list_model_get_n_items (queue); i++)
    {
      g_autoptr(FmUploadJob) job = g_list_model_get_item (queue, i);

      if (upload_moves (fm_upload_job_get_state (job)))
        up += MAX (1, fm_upload_job_get_n_files (job));
    }
  if (up > 0)
    sending = g_strdup_printf (g_dngettext (NULL, "Sending %u file", "Sending %u files", up), up);
  if (down > 0)
    downloading = g_strdup_printf (g_dngettext (NULL, "Downloading %u file", "Downloading %u files", down), down);
  if (sending != NULL && downloading != NULL)
    /* TRANSLATORS: "Sending 3 files, downloading 1 file"; the second part as in "Downloading %u file" */
    return g_strdup_printf (_("%s; %s"), sending, downloading);
  return g_strdup (sending != NULL ? sending : downloading);
}

static void
release (FmInhibitor *self)
{
  if (self->cookie != 0 && self->application != NULL)
    gtk_application_uninhibit (self->application, self->cookie);
  self->cookie = 0;
  g_clear_pointer (&self->reason, g_free);
}

static gboolean
update_cb (gpointer data)
{
  FmInhibitor *self = data;
  g_autofree char *reason = describe (self);
  GtkWindow *window;

  self->update_id = 0;
  if (g_strcmp0 (reason, self->reason) == 0 || self->application == NULL)
    return G_SOURCE_REMOVE;
  release (self);
  if (reason == NULL)
    return G_SOURCE_REMOVE;
  /* a new reason is a new inhibition: the session shows the current one */
  window = gtk_application_get_active_window (self->application);
  self->cookie = gtk_application_inhibit (self->application, window,
                                          GTK_APPLICATION_INHIBIT_SUSPEND | GTK_APPLICATION_INHIBIT_LOGOUT,
                                          reason);
  g_debug ("inhibited (%u): %s", self->cookie, reason);
  self->reason = g_steal_pointer (&reason);
  return G_SOURCE_REMOVE;
}

/* Many jobs change at once (a queue starting): one look after them. */
static void
schedule (FmInhibitor *self)
{
  if (self->update_id == 0)
    self->update_id = g_idle_add (update_cb, self);
}

static void
watch_items (FmInhibitor *self,
             GListModel  *model,
             guint        position,
             guint        added)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(GObject) job = g_list_model_get_item (model, i);

      g_signal_connect_object (job, "notify::state", G_CALLBACK (schedule), self, G_CONNECT_SWAPPED);
      if (FM_IS_UPLOAD_JOB (job))
        g_signal_connect_object (job, "notify::n-files", G_CALLBACK (schedule), self, G_CONNECT_SWAPPED);
    }
}

static void
items_changed_cb (GListModel  *model,
                  guint        position,
                  guint        removed,
                  guint        added,
                  FmInhibitor *self)
{
  watch_items (self, model, position, added);
  schedule (self);
}

static void
fm_inhibitor_dispose (GObject *object)
{
  FmInhibitor *self = FM_INHIBITOR (object);

  g_clear_handle_id (&self->update_id, g_source_remove);
  release (self);
  g_clear_weak_pointer (&self->application);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (fm_inhibitor_parent_class)->dispose (object);
}

static void
fm_inhibitor_class_init (FmInhibitorClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = fm_inhibitor_dispose;
}

static void
fm_inhibitor_init (FmInhibitor *self)
{
}

FmInhibitor *
fm_inhibitor_new (GtkApplication *application,
                  FmSession      *session)
{
  FmInhibitor *self = g_object_new (FM_TYPE_INHIBITOR, NULL);
  GListModel *models[2] = { G_LIST_MODEL (fm_session_get_queue (session)), fm_session_get_downloads (session) };

  g_set_weak_pointer (&self->application, application);
  self->session = g_object_ref (session);
  for (guint i = 0; i < G_N_ELEMENTS (models); i++)
    {
      watch_items (self, models[i], 0, g_list_model_get_n_items (models[i]));
      g_signal_connect_object (models[i], "items-changed", G_CALLBACK (items_changed_cb), self, 0);
    }
  schedule (self);
  return self;
}

/* What the session is told, or NULL while nothing is inhibited. */
const char *
fm_inhibitor_get_reason (FmInhibitor *self)
{
  g_return_val_if_fail (FM_IS_INHIBITOR (self), NULL);
  return self->reason;
}
