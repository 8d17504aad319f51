/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-transfer-list-pane.c: how the list and the transfer share the window
 *
 * Wide, the list pane takes about a third of the width; narrow (the
 * leaflet folded), a transfer takes the whole window and the window's
 * header, told through "details-title", shows the way back and the
 * transfer's title.
 */
#include <glib/gi18n.h>

#include "fm-format.h"
#include "fm-transfer-list-private.h"
#include "fm-transfer-view.h"

/* In a narrow window the transfer takes the whole width: the window's
 * header then shows a back button and the transfer's title (this
 * property), as GNOME's narrow apps do, instead of "Filemail". */
void
_fm_transfer_list_update_details_title (FmTransferList *self)
{
  FmTransfer *t = fm_transfer_view_get_transfer (self->view);
  g_autofree char *title = NULL;

  if (adw_leaflet_get_folded (self->leaflet) && adw_leaflet_get_visible_child (self->leaflet) == self->view_pane)
    {
      g_autofree char *named = t != NULL ? fm_transfer_dup_title (t) : NULL;

      title = named != NULL && *named != '\0' ? fm_format_display_text (named) : g_strdup (_("Transfer"));
    }
  if (g_strcmp0 (title, self->details_title) == 0)
    return;
  g_free (self->details_title);
  self->details_title = g_steal_pointer (&title);
  g_object_notify (G_OBJECT (self), "details-title");
}

static gboolean
details_title_idle (gpointer data)
{
  FmTransferList *self = data;

  self->details_idle = 0;
  _fm_transfer_list_update_details_title (self);
  return G_SOURCE_REMOVE;
}

/* The leaflet folds while it is being allocated: the window's header is
 * changed after that frame, not during it (GTK 4.8 would draw the header
 * bar without an allocation). */
void
_fm_transfer_list_leaflet_changed_cb (FmTransferList *self)
{
  if (self->details_idle == 0)
    self->details_idle = g_idle_add (details_title_idle, self);
}

const char *
fm_transfer_list_get_details_title (FmTransferList *self)
{
  g_return_val_if_fail (FM_IS_TRANSFER_LIST (self), NULL);
  return self->details_title;
}

/* The list pane grows with the window (about a third of it, 300 to
 * 480 px) so that rows are not cut while the details have room to spare.
 * Below 833 px it is at its least, so the width at which the leaflet
 * folds does not move. */
void
_fm_transfer_list_size_allocate (GtkWidget *widget,
                                 int        width,
                                 int        height,
                                 int        baseline)
{
  FmTransferList *self = FM_TRANSFER_LIST (widget);
  int wanted = CLAMP (width * 36 / 100, 300, 480);
  int current;

  gtk_widget_get_size_request (self->list_pane, &current, NULL);
  if (wanted != current && !adw_leaflet_get_folded (self->leaflet))
    gtk_widget_set_size_request (self->list_pane, wanted, -1);
  gtk_widget_allocate (GTK_WIDGET (self->leaflet), width, height, baseline, NULL);
}

/* AdwBin's layout manager would allocate the child without asking
 * size_allocate above: the list measures and allocates it itself. */
void
_fm_transfer_list_measure (GtkWidget      *widget,
                           GtkOrientation  orientation,
                           int             for_size,
                           int            *minimum,
                           int            *natural,
                           int            *minimum_baseline,
                           int            *natural_baseline)
{
  gtk_widget_measure (GTK_WIDGET (FM_TRANSFER_LIST (widget)->leaflet), orientation, for_size, minimum, natural,
                      minimum_baseline, natural_baseline);
}
