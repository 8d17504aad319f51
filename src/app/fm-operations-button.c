/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-operations-button.c: the header's progress of everything sent and downloaded
 *
 * Where Nautilus shows its file operations: a button in the header whose
 * pie fills as the bytes of every upload and download under way go, with
 * a popover listing them (the uploads as their Send page rows, the
 * downloads as in the transfer pages). It is there while anything runs,
 * on every page, and afterwards while finished downloads are listed. The
 * numbers are the session's (fm_session_get_transfer_progress), looked at
 * twice a second while anything moves and never otherwise.
 */
#include <glib/gi18n.h>

#include "fm-file-row.h"
#include "fm-operations-button.h"
#include "fm-upload-row.h"

#define TICK_MS 500

struct _FmOperationsButton
{
  AdwBin              parent_instance;

  GtkMenuButton      *button;
  GtkDrawingArea     *pie;
  GtkLabel           *summary_label;
  GtkListBox         *uploads_list;
  GtkListBox         *downloads_list;
  GtkWidget          *clear_button;

  FmSession          *session;
  GtkFilterListModel *uploading;   /* the queue's jobs under way */
  guint               tick_id;
  double              fraction;
  gint64              count;
  char               *summary;
};

G_DEFINE_FINAL_TYPE (FmOperationsButton, fm_operations_button, ADW_TYPE_BIN)

static void
draw_pie (GtkDrawingArea *area,
          cairo_t        *cr,
          int             width,
          int             height,
          gpointer        data)
{
  FmOperationsButton *self = data;
  double radius = MIN (width, height) / 2.0 - 1.0;
  GdkRGBA color;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (area)), &color);
  G_GNUC_END_IGNORE_DEPRECATIONS
  /* the whole, faint; the part done, full */
  cairo_set_source_rgba (cr, color.red, color.green, color.blue, color.alpha * 0.3);
  cairo_arc (cr, width / 2.0, height / 2.0, radius, 0, 2 * G_PI);
  cairo_fill (cr);
  cairo_set_source_rgba (cr, color.red, color.green, color.blue, color.alpha);
  cairo_move_to (cr, width / 2.0, height / 2.0);
  cairo_arc (cr, width / 2.0, height / 2.0, radius, -G_PI / 2, -G_PI / 2 + 2 * G_PI * self->fraction);
  cairo_close_path (cr);
  cairo_fill (cr);
}

static gboolean
upload_under_way (gpointer item,
                  gpointer data)
{
  return fm_upload_state_is_active (fm_upload_job_get_state (FM_UPLOAD_JOB (item)));
}

static void
update (FmOperationsButton *self)
{
  gint64 done = 0, total = 0, count = 0;
  g_autofree char *summary = NULL;
  guint n_downloads = g_list_model_get_n_items (fm_session_get_downloads (self->session));

  fm_session_get_transfer_progress (self->session, &done, &total, &count);
  self->count = count;
  self->fraction = count == 0 ? 1.0 : total > 0 ? CLAMP ((double) done / (double) total, 0.0, 1.0) : 0.0;
  if (count > 0)
    summary = g_strdup_printf (g_dngettext (NULL, "%d transfer under way, %d%% done",
                                            "%d transfers under way, %d%% done", count),
                               (int) count, (int) (self->fraction * 100));
  else
    summary = g_strdup (_("Everything is finished"));
  /* said again only when it says something new (a percent): a screen
   * reader on the button hears changes, not the ticks */
  if (g_strcmp0 (summary, self->summary) != 0)
    {
      g_free (self->summary);
      self->summary = g_steal_pointer (&summary);
      gtk_label_set_text (self->summary_label, self->summary);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->button), self->summary);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      self->summary, -1);
      gtk_widget_queue_draw (GTK_WIDGET (self->pie));
    }
  /* which uploads are under way changes with their state: asked again */
  gtk_filter_changed (gtk_filter_list_model_get_filter (self->uploading), GTK_FILTER_CHANGE_DIFFERENT);
  gtk_widget_set_visible (GTK_WIDGET (self->uploads_list),
                          g_list_model_get_n_items (G_LIST_MODEL (self->uploading)) > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->downloads_list), n_downloads > 0);
  gtk_widget_set_visible (self->clear_button, n_downloads > 0);
  gtk_widget_set_visible (GTK_WIDGET (self), count > 0 || n_downloads > 0);
}

static gboolean
tick_cb (gpointer data)
{
  FmOperationsButton *self = data;

  update (self);
  if (self->count > 0)
    return G_SOURCE_CONTINUE;
  self->tick_id = 0;
  return G_SOURCE_REMOVE;
}

/* Something may have started or ended: look now, then while it moves. */
static void
changed_cb (FmOperationsButton *self)
{
  if (self->tick_id != 0)
    return;
  if (tick_cb (self))
    self->tick_id = g_timeout_add (TICK_MS, tick_cb, self);
}

static GtkWidget *
create_upload_row (gpointer item,
                   gpointer user_data)
{
  FmOperationsButton *self = user_data;

  return GTK_WIDGET (fm_upload_row_new (FM_UPLOAD_JOB (item), fm_session_get_queue (self->session)));
}

static GtkWidget *
create_download_row (gpointer item,
                     gpointer user_data)
{
  return fm_file_row_new_for_download (FM_SESSION (user_data), FM_DOWNLOAD_JOB (item));
}

static void
clear_downloads_cb (FmOperationsButton *self)
{
  fm_session_clear_downloads (self->session);
}

void
fm_operations_button_set_session (FmOperationsButton *self,
                                  FmSession          *session)
{
  GListModel *queue = G_LIST_MODEL (fm_session_get_queue (session));
  GListModel *downloads = fm_session_get_downloads (session);

  g_return_if_fail (FM_IS_OPERATIONS_BUTTON (self));
  g_return_if_fail (self->session == NULL);

  self->session = g_object_ref (session);
  self->uploading = gtk_filter_list_model_new (g_object_ref (queue),
                                               GTK_FILTER (gtk_custom_filter_new (upload_under_way, NULL, NULL)));
  gtk_list_box_bind_model (self->uploads_list, G_LIST_MODEL (self->uploading), create_upload_row, self, NULL);
  gtk_list_box_bind_model (self->downloads_list, downloads, create_download_row, session, NULL);
  g_signal_connect_object (session, "notify::busy", G_CALLBACK (changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (queue, "items-changed", G_CALLBACK (changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (downloads, "items-changed", G_CALLBACK (changed_cb), self, G_CONNECT_SWAPPED);
  changed_cb (self);
}

double
fm_operations_button_get_fraction (FmOperationsButton *self)
{
  g_return_val_if_fail (FM_IS_OPERATIONS_BUTTON (self), 0.0);
  return self->fraction;
}

const char *
fm_operations_button_get_summary (FmOperationsButton *self)
{
  g_return_val_if_fail (FM_IS_OPERATIONS_BUTTON (self), NULL);
  return self->summary;
}

GtkListBox *
fm_operations_button_get_uploads_list (FmOperationsButton *self)
{
  g_return_val_if_fail (FM_IS_OPERATIONS_BUTTON (self), NULL);
  return self->uploads_list;
}

GtkMenuButton *
fm_operations_button_get_button (FmOperationsButton *self)
{
  g_return_val_if_fail (FM_IS_OPERATIONS_BUTTON (self), NULL);
  return self->button;
}

static void
fm_operations_button_dispose (GObject *object)
{
  FmOperationsButton *self = FM_OPERATIONS_BUTTON (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_object (&self->uploading);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (fm_operations_button_parent_class)->dispose (object);
}

static void
fm_operations_button_finalize (GObject *object)
{
  g_free (FM_OPERATIONS_BUTTON (object)->summary);
  G_OBJECT_CLASS (fm_operations_button_parent_class)->finalize (object);
}

static void
fm_operations_button_class_init (FmOperationsButtonClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fm_operations_button_dispose;
  object_class->finalize = fm_operations_button_finalize;
  gtk_widget_class_set_template_from_resource (widget_class, "/com/filemail/Desktop/fm-operations-button.ui");
  gtk_widget_class_bind_template_child (widget_class, FmOperationsButton, button);
  gtk_widget_class_bind_template_child (widget_class, FmOperationsButton, pie);
  gtk_widget_class_bind_template_child (widget_class, FmOperationsButton, summary_label);
  gtk_widget_class_bind_template_child (widget_class, FmOperationsButton, uploads_list);
  gtk_widget_class_bind_template_child (widget_class, FmOperationsButton, downloads_list);
  gtk_widget_class_bind_template_child (widget_class, FmOperationsButton, clear_button);
  gtk_widget_class_bind_template_callback (widget_class, clear_downloads_cb);
}

static void
fm_operations_button_init (FmOperationsButton *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->fraction = 1.0;
  gtk_drawing_area_set_draw_func (self->pie, draw_pie, self, NULL);
}
