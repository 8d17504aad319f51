/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-application.h: the Filemail desktop application */
#pragma once

#include <adwaita.h>

#include "fm-automation.h"
#include "fm-session.h"

G_BEGIN_DECLS

#define FM_TYPE_APPLICATION (fm_application_get_type ())
G_DECLARE_FINAL_TYPE (FmApplication, fm_application, FM, APPLICATION, AdwApplication)

FmApplication *fm_application_new          (void);
FmSession     *fm_application_get_session  (FmApplication *self);
GSettings     *fm_application_get_settings (FmApplication *self);
FmAutomation  *fm_application_get_automation (FmApplication *self);

G_END_DECLS
