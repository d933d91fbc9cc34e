; Guichet's Windows installer (NSIS, built by `make package-windows` with Debian's makensis).
; Per-user: installs into %LOCALAPPDATA%\Programs\Guichet without administrator rights, adds a
; Start-menu entry and an uninstaller listed in "Applications et fonctionnalités". The
; uninstaller removes the program, never the counter's data (%LOCALAPPDATA%\Guichet): its
; outbox may hold validations not yet sent to the server.
; Defines from the Makefile: VERSION (0.1.0), VERSION4 (0.1.0.2), EXE, ICON, OUTFILE.
Unicode true
; 64-bit stubs: Guichet.exe is amd64, and the installer then runs wherever the app does (Wine 64-bit included).
Target amd64-unicode
SetCompressor /SOLID lzma
RequestExecutionLevel user

!define APP "Guichet"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\Guichet"

Name "${APP}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\Guichet"
InstallDirRegKey HKCU "Software\Guichet" "InstallDir"

!include "MUI2.nsh"
!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!define MUI_FINISHPAGE_RUN "$INSTDIR\Guichet.exe"
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "French"
!insertmacro MUI_LANGUAGE "English"

VIProductVersion "${VERSION4}"
VIAddVersionKey /LANG=${LANG_FRENCH} "ProductName" "Guichet"
VIAddVersionKey /LANG=${LANG_FRENCH} "FileDescription" "Installation de Guichet"
VIAddVersionKey /LANG=${LANG_FRENCH} "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_FRENCH} "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_FRENCH} "CompanyName" "Guichet"
VIAddVersionKey /LANG=${LANG_FRENCH} "LegalCopyright" "Guichet"

Section "Guichet" SecMain
  SectionIn RO
  SetShellVarContext current
  SetOutPath "$INSTDIR"
  File "/oname=Guichet.exe" "${EXE}"
  WriteUninstaller "$INSTDIR\Uninstall.exe"
  CreateDirectory "$SMPROGRAMS\Guichet"
  CreateShortcut "$SMPROGRAMS\Guichet\Guichet.lnk" "$INSTDIR\Guichet.exe" "" "$INSTDIR\Guichet.exe" 0
  CreateShortcut "$SMPROGRAMS\Guichet\Désinstaller Guichet.lnk" "$INSTDIR\Uninstall.exe"
  WriteRegStr HKCU "Software\Guichet" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayName" "Guichet"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINST_KEY}" "Publisher" "Guichet"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\Guichet.exe"
  WriteRegStr HKCU "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "UninstallString" '"$INSTDIR\Uninstall.exe"'
  WriteRegStr HKCU "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\Uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoRepair" 1
SectionEnd

Section "Uninstall"
  SetShellVarContext current
  Delete "$INSTDIR\Guichet.exe"
  Delete "$INSTDIR\Uninstall.exe"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\Guichet\Guichet.lnk"
  Delete "$SMPROGRAMS\Guichet\Désinstaller Guichet.lnk"
  RMDir "$SMPROGRAMS\Guichet"
  DeleteRegKey HKCU "${UNINST_KEY}"
  DeleteRegKey HKCU "Software\Guichet"
SectionEnd
