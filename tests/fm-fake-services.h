/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-fake-services.h: the desktop's services, faked on the test bus
 *
 * The UI tests run on a private session bus. There is no notification
 * server (GLib then falls back to the freedesktop backend and warns,
 * fatally in tests, on every notification) and no session manager (so
 * gtk_application_inhibit() would do nothing). These stand in for them,
 * record what the app asked, and press a notification's button as a
 * person would in the shell. Start them before the application registers:
 * GTK looks for the session manager once, at startup.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct {
  guint32  id;
  char    *summary;
  char    *body;
  GStrv    actions;   /* key, label, key, label, … */
  gboolean closed;
} FmFakeNotification;

typedef struct _FmFakeNotifications FmFakeNotifications;

FmFakeNotifications *fm_fake_notifications_start  (void);
guint                fm_fake_notifications_get_n  (FmFakeNotifications *self);
const FmFakeNotification *fm_fake_notifications_get (FmFakeNotifications *self,
                                                     guint                index);
const FmFakeNotification *fm_fake_notifications_find (FmFakeNotifications *self,
                                                      const char          *summary_prefix);
const char          *fm_fake_notification_find_action (const FmFakeNotification *notification,
                                                       const char               *label);
void                 fm_fake_notifications_invoke (FmFakeNotifications      *self,
                                                   const FmFakeNotification *notification,
                                                   const char               *action_key);

typedef struct {
  guint32  cookie;
  char    *app_id;
  char    *reason;
  guint32  flags;      /* 1 logout, 2 switch user, 4 suspend, 8 idle */
  gboolean released;
} FmFakeInhibitor;

typedef struct _FmFakeSessionManager FmFakeSessionManager;

FmFakeSessionManager  *fm_fake_session_manager_start (void);
/* the inhibitions not released yet, newest last */
guint                  fm_fake_session_manager_get_n_held (FmFakeSessionManager *self);
const FmFakeInhibitor *fm_fake_session_manager_get_held   (FmFakeSessionManager *self);
guint                  fm_fake_session_manager_get_n_calls (FmFakeSessionManager *self);

G_END_DECLS
