/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-test-app.h: the GTK application under test, for the in-process UI
 * tests: a private state folder, a local server, the app and its window */
#pragma once

#include "fm-application.h"
#include "fm-fake-services.h"
#include "fm-test-server.h"
#include "fm-transfer-view.h"
#include "fm-window.h"

G_BEGIN_DECLS

typedef struct {
  FmTestServer  *server;
  FmApplication *app;
  FmWindow      *window;
  char          *root;     /* a temporary folder: state, server files */
  FmFakeNotifications  *notifications;    /* what the app showed the shell */
  FmFakeSessionManager *session_manager;  /* what it kept awake */
} FmTestApp;

void fm_test_app_start  (FmTestApp   *t,
                         int         *argc,
                         char      ***argv,
                         const char  *name);
void fm_test_spin_until (gboolean   (*done) (gpointer),
                         gpointer     data);
void fm_test_screenshot (const char  *name);
AdwMessageDialog *fm_test_find_message_dialog (void);
AdwMessageDialog *fm_test_open_dialog         (void);
GtkWidget *fm_test_find       (GtkWidget   *root,
                               GType        type);
GtkWidget *fm_test_find_label (GtkWidget   *root,
                               const char  *start);
void fm_test_screenshot_to (const char *path);
GdkContentProvider *fm_test_drag_content (GtkWidget *widget);

/* The longest time between two frames of @window while measured; the
 * window draws a frame every refresh meanwhile, as a spinner asks. */
typedef struct {
  GtkWidget *window;
  gint64     first;      /* when measuring started, µs */
  gint64     last;       /* the previous frame */
  gint64     longest;    /* the longest gap */
  gulong     handler;
  guint      tick;
} FmTestFrameGaps;

void fm_test_frame_gaps_start (FmTestFrameGaps *gaps,
                               GtkWidget       *window);
void fm_test_frame_gaps_stop  (FmTestFrameGaps *gaps);
FmFileRow *fm_test_file_row   (FmTransferView  *view,
                               guint            position);

G_END_DECLS
