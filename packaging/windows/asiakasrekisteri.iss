; Inno Setup script: the Windows installer of Asiakasrekisteri, from the one-folder bundle that
; packaging/asiakasrekisteri.spec builds on Windows (README section "Windows").
;
;     iscc packaging\windows\asiakasrekisteri.iss
;
; writes dist\asiakasrekisteri-setup-0.1.0.exe. A per-user install: no administrator rights,
; the program in %LOCALAPPDATA%\Programs\Asiakasrekisteri, a Start-menu entry. The register
; lives elsewhere, in %LOCALAPPDATA%\Asiakasrekisteri (the user's data folder, README "Where
; the data lives"), with its backups; the uninstaller removes only the files it installed, so
; the database, the backups and the data key in Windows Credential Manager stay.

#define AppName "Asiakasrekisteri"
#define AppVersion "0.1.0"
#define Bundle "..\..\dist\asiakasrekisteri"

[Setup]
AppId={{946D3579-FB62-459A-A9F8-8F2CF24278B7}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher={#AppName}
PrivilegesRequired=lowest
DefaultDirName={userpf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
OutputDir=..\..\dist
OutputBaseFilename=asiakasrekisteri-setup-{#AppVersion}
SetupIconFile=..\..\resources\icons\app.ico
UninstallDisplayIcon={app}\asiakasrekisteri.exe
Compression=lzma2
SolidCompression=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
WizardStyle=modern

[Languages]
Name: "fi"; MessagesFile: "compiler:Languages\Finnish.isl"
Name: "en"; MessagesFile: "compiler:Default.isl"

[Files]
Source: "{#Bundle}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{userprograms}\{#AppName}"; Filename: "{app}\asiakasrekisteri.exe"
Name: "{userdesktop}\{#AppName}"; Filename: "{app}\asiakasrekisteri.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; Flags: unchecked

[Run]
Filename: "{app}\asiakasrekisteri.exe"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

; No [UninstallDelete]: nothing outside {app} is removed, above all not the data folder
; {localappdata}\Asiakasrekisteri.
