/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-transfer-list-private.h: what the files of FmTransferList share
 *
 *   fm-transfer-list.c       the list: loading, the cache, search, sort, selection
 *   fm-transfer-list-rows.c  its rows: what each says, and the details of those on screen
 */
#pragma once

#include "fm-details-loader.h"
#include "fm-transfer-list.h"
#include "fm-transfer-view.h"

G_BEGIN_DECLS

struct _FmTransferList
{
  AdwBin          parent_instance;

  FmSession      *session;
  char           *kind;          /* "sent" or "received" */
  GListStore     *transfers;
  GtkCustomFilter *filter;
  GtkCustomSorter *sorter;
  GtkSingleSelection *selection;
  char           *search;         /* casefolded */
  gboolean        include_expired;
  gboolean        all_users;
  gboolean        loading;
  gboolean        replacing;      /* the list is being replaced: keep the selection */
  GCancellable   *cancellable;
  gint64          loaded_at;
  gint64          answered_at;    /* the server's list in hand */
  gint64          shown_at;       /* the first frame drawn with it */

  GtkFilterListModel *unfinished;  /* the Outbox's uploads still under way */
  GtkCustomFilter *unfinished_filter;
  GtkListBox     *uploads_list;
  AdwLeaflet     *leaflet;
  GtkWidget      *search_entry;
  GtkToggleButton *oldest_first_button;
  GtkWidget      *view_pane;
  GtkWidget      *list_pane;
  GtkWidget      *toolbar;
  GtkWidget      *separator;
  FmTransferView *view;
  GtkStack       *stack;
  AdwStatusPage  *login_page;
  AdwStatusPage  *empty_page;
  AdwStatusPage  *error_page;
  GtkListView    *list_view;
  FmDetailsLoader *details;       /* transfer/get for the rows on screen */
  GHashTable     *bound;          /* GtkListItem: rows that exist (GTK keeps ~200) */
  GtkRevealer    *stale_revealer;
  GtkLabel       *stale_label;
  gint64          cached_at;      /* unix time of the list shown, if from the cache; 0: fresh */
  char           *wanted_id;      /* to open once listed (a search result from the desktop) */
  GCancellable   *cache_cancellable; /* the last known list being read */
  gboolean        cached_first;   /* showing the cache's newest transfers only: the rest follows */
  guint           cache_tick;     /* reads the whole cached list once the first screen is drawn */
  char           *details_title;
  guint           details_idle;  /* narrow, a transfer shown: its title, for the window's header */
  guint           save_id;        /* the cache is written a little after rows learn details */
  guint           visible_id;     /* pending look at which of them are on screen */
};

gboolean _fm_transfer_list_is_sent        (FmTransferList           *self);
void     _fm_transfer_list_setup_row_cb   (GtkSignalListItemFactory *factory,
                                           GtkListItem              *item,
                                           gpointer                  user_data);
void     _fm_transfer_list_bind_row_cb    (GtkSignalListItemFactory *factory,
                                           GtkListItem              *item,
                                           FmTransferList           *self);
void     _fm_transfer_list_unbind_row_cb  (GtkSignalListItemFactory *factory,
                                           GtkListItem              *item,
                                           FmTransferList           *self);

void     _fm_transfer_list_schedule_visible_check (FmTransferList *self);

/* fm-transfer-list-pane.c */
void _fm_transfer_list_update_details_title (FmTransferList *self);
void _fm_transfer_list_leaflet_changed_cb   (FmTransferList *self);
void _fm_transfer_list_size_allocate        (GtkWidget      *widget,
                                             int             width,
                                             int             height,
                                             int             baseline);
void _fm_transfer_list_measure              (GtkWidget      *widget,
                                             GtkOrientation  orientation,
                                             int             for_size,
                                             int            *minimum,
                                             int            *natural,
                                             int            *minimum_baseline,
                                             int            *natural_baseline);

G_END_DECLS
