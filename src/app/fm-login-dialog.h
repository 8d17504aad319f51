/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-login-dialog.h: log in to a Filemail account */
#pragma once

#include <adwaita.h>

#include "fm-session.h"

G_BEGIN_DECLS

#define FM_TYPE_LOGIN_DIALOG (fm_login_dialog_get_type ())
G_DECLARE_FINAL_TYPE (FmLoginDialog, fm_login_dialog, FM, LOGIN_DIALOG, AdwWindow)

FmLoginDialog *fm_login_dialog_new        (FmSession     *session);
const char    *fm_login_dialog_get_error  (FmLoginDialog *self);
void           fm_login_dialog_submit     (FmLoginDialog *self,
                                           const char    *email,
                                           const char    *password);

G_END_DECLS
