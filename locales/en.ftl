# 四争一树 Field: English.
# Terms used throughout: 党员 Party member, 支部 branch, 镇组织办 Town Organisation Office,
# 县委组织部 County Organisation Department, 镇党委 town Party committee, 争创对象 candidate,
# 带头人 Pioneer, 示范岗 Model post, 示范户 Model household, 先锋岗 Vanguard post,
# 结对联系 paired contact, 示范基地 demonstration base, 督查 inspection, 梯队 pipeline,
# 亮相卡 display card, 平板 tablet. 四争一树 is "Four Strives, One Model" on the title only.

## general

app-title = Four Strives, One Model (四争一树)
online = Online
offline = Offline
pending-sync = To sync
loading = Loading…
chunk-load-failed = This page cannot load: the device is offline and the app is not fully installed yet. Connect to the network and open this page again; saved data is not affected.
open-failed = The local database cannot be opened
nav-people = Members
nav-new-survey = New survey
nav-settings = Storage & settings
not-found = Page not found
back-to-list = Back to members
draft-waiting = There is an unfinished survey draft.
draft-continue = Continue
draft-dismiss = Later
search-placeholder = Search by name
filter-branch = Branch
filter-village = Village / unit
filter-category = Category
filter-status = Survey status
filter-any = All
status-draft = Draft
status-final = Final
status-none = Not surveyed
more = More
no-people = No matching Party members
county-people = This device received the Party members of every town, and their records do not say which town: the numbers here are every town's together, not one town's.
delivery-states-unread = Could not read which records have reached the office ({ $detail }), so the list does not mark the ones that have not. Open “Records waiting to be sent” to see them.
column-name = Name
column-branch = Branch
column-village = Village / unit
column-category = Category
column-status = Survey
survey-title = Survey form
saved-at = Draft saved automatically
saving = Saving…
unsaved = Unsaved changes
finalise = Finalise
survey-open-elsewhere = This survey is being filled in in another window (or tab) of the app on this device, so it can only be viewed here. Go back to that window to go on; once that window is closed or has left this survey, it can be filled in here, without doing anything.
survey-discard-open-elsewhere = This survey is being filled in in another window (or tab) of the app on this device, so it was not deleted. Delete it in that window, or close that window first.
finalised = Final; it can still be edited (edits are kept in the history)
fix-errors = Correct these first, then finalise:
choose = Choose
yes = Yes
gps-button = Record location
gps-locating = Locating…
gps-clear = Clear location
photo-add = Take / add photo
photo-processing = Processing photo…
photo-remove = Remove
photo-not-added = Photo not added: the form was left before the photo was processed. Go back to the form and add this photo again.
leave-photo-processing = A photo is still being processed: leave now and it will not be added to the record. Leave anyway?
survey-not-found = Survey not found
storage-lost = The browser erased the data saved on this device (after a crash, low storage, or clearing site data). What reached the office is safe: sign in again and sync to download it again.
storage-lost-read = OK
storage-recovered = The browser erased the data saved on this device (after a crash, low storage, or clearing site data); the changes not yet sent were recovered from this device's backup copy. Sign in again and sync: the recovered changes are sent to the office and everything else is downloaded again.
storage-recovery-pending = The browser erased the data saved on this device (after a crash, low storage, or clearing site data). The changes not yet sent are in this device's backup copy but have not been fully recovered yet (storage may be full, or the app needs to connect to the network once). The app tries again every time it opens: do not enter this work again, or it will be sent twice. If this notice stays, contact the town office.
field-name = Name
field-gender = Gender
field-birth-year = Year of birth
field-phone = Phone
field-id-number = ID number (optional)
field-branch = Branch
field-village-unit = Village / enterprise / office
field-category = Campaign category
field-person-notes = Member notes
field-surveyor = Surveyor
field-surveyed-at = Surveyed on
field-employment = Employment
field-employment-detail = Employment details (employer, post, trade, years)
field-potential = Enterprise and innovation potential
field-potential-detail = Potential details
field-capital = Capital
field-technology = Technology
field-market = Market channels
field-land-sea = Land / sea area
field-boats = Boats
field-networks = Connections
field-wealth = Income potential
field-wealth-detail = Income potential details
field-innovation = Innovation potential
field-innovation-detail = Innovation potential details
field-trade = Line of business
field-scale = Business size
field-employees = Employees
field-turnover = Annual turnover
field-business-condition = Business condition
field-three-cultivation = "Three cultivations" trainee
field-mentor-ability = Mentoring ability
field-mentor-willingness = Willing to mentor
field-mentor-detail = Mentoring details
field-tech-talent = Practical technical expert
field-tech-specialty = Technical speciality
field-tech-info = Technical know-how
field-service = Service to enterprise and innovation
field-industry-info = Industry information
field-policy = Industry direction and policy
field-notes = Survey notes
field-criteria = Assessment rubric
person-not-found = Party member not found
surveys = Surveys
no-surveys = No surveys yet
new-survey-for = New survey for this member
edit = Edit
view = View
photos = Photos
no-photos = No photos
history = Change history
no-history = No changes recorded
history-deleted = deleted the record
unknown-author = (not signed in)
field-authors = Last edited by, per field
storage = Storage on this device
storage-used = Used
storage-available = Available
storage-unknown = This browser cannot estimate its storage
storage-persisted = The browser has promised to keep this device's data
storage-not-persisted = The browser may clear this device's data when space runs low; sync regularly
storage-ask-persist = Ask to keep data permanently
device-id = Device ID
author-name = Current surveyor (for the change history)
save = Save
saved = Saved
outbox-count = Changes to sync
conflicts = Conflicts
hist-person = Member details
hist-survey = Survey
not-a-number = Enter a number
not-a-number-in = { $field }: enter a number
unsaved-not-a-number = Unsaved changes: a number field holds something that is not a number
leave-not-a-number = { $fields }: not a number, so it cannot be saved and is lost if you leave. Leave anyway?
section-list = Survey sections
nav-main = Main navigation
location = Location
photo-alt = Photo
record-gone = (record no longer on this device)
unnamed = (no name)
language = Language / 语言
language-reloads = The page reloads in the language you choose.
large-text = Large text
large-text-hint = Bigger text and buttons, easier to read and to tap.
update-ready = New version: tap to update
update-save-first = Some input is not saved yet: save it first, then tap update.
update-updating = Updating…
time-am = { $hour }:{ $minute } am
time-pm = { $hour }:{ $minute } pm
yuan = { $amount } yuan
just-now = just now
minutes-ago = { $n ->
    [one] 1 minute ago
   *[other] { $n } minutes ago
  }
hours-ago = { $n ->
    [one] 1 hour ago
   *[other] { $n } hours ago
  }
days-ago = { $n ->
    [one] 1 day ago
   *[other] { $n } days ago
  }
in-seconds = { $n ->
    [one] in 1 second
   *[other] in { $n } seconds
  }
in-minutes = { $n ->
    [one] in 1 minute
   *[other] in { $n } minutes
  }
error-store-quota-exceeded = The device is full: this change was not saved; everything saved before is still there. Sync first, or export a file under "Export" to take to the town, then free up space on the tablet
error-store-connection-lost = The browser closed the local database (it does when the device is full): this change was not saved; everything saved before is still there. Sync first, or export a file, then free up space on the tablet and try again
error-store-full = The device is full and the local database cannot open for now; everything saved is still there. Free up space on the tablet (delete photos, videos or apps you do not need), then sync or export
error-store-unsupported = This browser has no local database (IndexedDB) and cannot save offline
error-store-open = The local database cannot be opened: { $detail }
error-store-database = The local database failed and saved nothing: { $detail }
error-store-codec = Local data in a wrong format: { $detail }
error-store-duplicate = This change is already waiting to sync and was not saved twice
error-store-not-found = This record is not on this device
error-sw-unsupported = This browser cannot work offline (no service worker): use a recent Chrome or Edge
error-sw-registration = Offline use could not be turned on: { $detail }
error-sw-no-waiting = No new version is waiting to be installed
error-sw-activation = The new version could not be started: { $detail }
error-file-none = Choose a file first
error-file-too-large = The file is too large (at most { $mb } MB)
error-file-read = The file cannot be read: { $detail }
error-scan-unsupported = This browser cannot scan codes: enter the 8-character sign-in code
error-scan-camera = The camera cannot be opened ({ $detail }): enter the 8-character sign-in code
error-scan-timed-out = No QR code recognised: try again or enter the 8-character sign-in code
error-scan-cancelled = Scanning cancelled
error-file-browser = The browser cannot handle the file: { $detail }
unsent-elsewhere = This account has unsent changes to { $pending ->
    [one] 1 record
   *[other] { $pending } records
  } on another tablet ({ $device }, last synced { $last_sync }). If that tablet is still there, sync on it; if its data is lost, contact the Town Organisation Office.
unsent-elsewhere-blocked = This account has unsent changes to { $pending ->
    [one] 1 record
   *[other] { $pending } records
  } on another tablet ({ $device }, disabled by the Town Organisation Office; last synced { $last_sync }). Contact the Town Organisation Office.
unsent-elsewhere-oldest = The oldest of them was made { $at }.
unsent-elsewhere-read = OK
server-restored-read = Got it
server-restored = The office server's data was restored from an older backup (or moved), which may lack changes that had already been synced. This tablet downloaded every record again from the start and sent the { $n } changes made on it again (the server keeps none twice), and checked its photos again. Do not enter anything again; any change the server did not accept is listed under "Outbox" with its reason.
server-restored-pending = The office server's data was restored from an older backup (or moved), which may lack changes that had already been synced. The { $n } changes made on this tablet wait to be sent again and go as soon as the office is reachable (the server keeps none twice); then this tablet downloads every record again from the start. Do not enter anything again.
people-count = { $total ->
    [one] 1 member
   *[other] { $total } members
  }, { $shown } shown
kept-values = These answers are not options of the current form and were kept as they are (not lost, synced as usual): { $values }. Choose again to change them.
kept-value = { $field }: { $value }
overwritten-values = While you were filling in the form, these were changed elsewhere: { $values }. What you entered is saved; the values it replaced are kept as conflicts for the town office to review under Conflicts.
left-unsaved = The survey was not saved as you left it: { $error }. What you entered is still kept on this tablet and is saved again when you reopen the survey or the app starts.
left-unsaved-lost = The survey was not saved as you left it: { $error }. What you entered last could not be kept on this tablet either (its storage may be full): reopen the survey, check it and fill in what is missing.
form-migrated = This survey was filled in on an older form and is read with the current one: { $description }. It is saved that way the next time, and the change history records it.
gps-fix = Lat { $lat }, long { $lon } (within about { $accuracy } m)
gps-fix-no-accuracy = Lat { $lat }, long { $lon }
storage-lost-pending = { $n ->
    [one] 1 record had
   *[other] { $n } records had
  } not reached the office before the data was erased and cannot be recovered: check and enter them again.
storage-recovered-count = { $n ->
    [one] 1 change that had not reached the office was
   *[other] { $n } changes that had not reached the office were
  } recovered and will be sent at the next sync.
storage-recovered-refused = { $n ->
    [one] 1 change the office had refused was
   *[other] { $n } changes the office had refused were
  } also recovered and are listed as refused in the Outbox again: open the record, correct it and resubmit.
storage-recovered-photos = { $n ->
    [one] 1 photo
   *[other] { $n } photos
  } could not be recovered: check the surveys concerned and take them again.
answered-of = { $answered }/{ $total } answered
history-saved = saved the { $what }
history-changed = changed the { $what }: { $fields }
list-separator = {", "}
list-separator-long = {"; "}
field-person-id = Surveyed member
field-status = Status
field-form-migration = Form upgrade
field-form-version = Form version
field-other = Other
error-geo-unsupported = This device cannot tell its location
error-geo-denied = No permission to locate; allow location in the browser's settings
error-geo-unavailable = Location not available now; go outside or try later
error-geo-timeout = Locating took too long; try again later
error-unknown = unknown error
error-photo-unreadable = This picture cannot be read; choose another or take it again
error-photo-encode = The browser could not compress the picture: { $detail }
error-store-commit-aborted = The browser stopped a write to the tablet's database (it does when the storage is full): this change may not be saved; everything saved before is still there. Sync first, or export a file, then free the tablet's storage and try again

## campaign

campaign-nav-campaign = Campaign
campaign-nav-dashboard = Overview
campaign-nav-candidates = Candidates
campaign-nav-contacts = Paired contacts
campaign-nav-bases = Demo bases
campaign-nav-funding = Funding
campaign-nav-meetings = Mobilisation
campaign-nav-inspections = Inspections
campaign-nav-assessment = Assessment
campaign-nav-notices = Notices
campaign-nav-report = Report
campaign-nav-settings = Campaign settings
campaign-local-user = This device's user
campaign-unknown-person = (unknown member)
campaign-no-branch = (no branch)
campaign-not-allowed = Your account may not change this record (role or branch does not match)
campaign-not-found = Record not found
campaign-decode-failed = The record's format is not recognised
campaign-no-document = The browser cannot download the file
campaign-saved = Saved
campaign-delete = Delete
campaign-cancel = Cancel
campaign-confirm-delete = Delete this record? The deletion is synced to every device.
campaign-confirm-remove = Remove this candidate? After removal nothing more can be done with it unless the Town Organisation Office restores it (the history is kept).
campaign-confirm-reject = Record as "not approved"?
campaign-yes = Yes
campaign-no = No
campaign-not-set = Not filled in
campaign-print = Print
campaign-export-csv = Export table (CSV)
campaign-column-branch = Branch
campaign-year = Year
campaign-state = Status
campaign-date = Date
campaign-candidate = Candidate
campaign-person = Party member
campaign-notes = Notes
campaign-content = Content
campaign-unit = Unit
campaign-candidates = Candidates
campaign-new-candidate = Register application
campaign-no-candidates = No matching candidates
campaign-contacts = Paired contacts
campaign-behind = Contacts behind
campaign-pipeline = Add to next year's pipeline (cultivate a batch)
campaign-pipeline-refused-take-back = The office did not accept this pipeline mark (after the town committee's approval only the town office may change it). Set it back and save, then tap "Resubmit" under "Outbox".
campaign-pipeline-take-back-first = The pipeline mark is still the one the office did not accept: set it back on the candidate's page and save first, then resubmit.
campaign-pipeline-short = Pipeline
campaign-all-years = All years
campaign-all-categories = All categories
campaign-nav-pipeline = Pipeline
campaign-pipeline-open = In the pipeline
campaign-pipeline-carried = Carried over
campaign-pipeline-total = Pipeline total
campaign-year-target = Year's target
campaign-no-year-target = No year set
campaign-no-pipeline = No pipeline candidates for this year yet
campaign-not-a-campaign-year = This year is not a campaign year
campaign-apply = Register application
campaign-pick-person-and-category = Choose a Party member and a category
campaign-display-card = Display card
campaign-latest-reason = Latest reason for return / removal / change:
campaign-application = Application steps
campaign-profile = Profile
campaign-contact-person = Paired contact
campaign-integrity-grade = Integrity grade
campaign-industry-prospects = Industry prospects
campaign-evidence = Evidence
campaign-next-year = Register for next year (annual selection / from the pipeline)
campaign-no-contacts-needed = No paired contacts needed this year
campaign-profile-closed = This candidacy was removed or carried over to next year; the file is read-only (the Town Organisation Office can restore a removed one)
campaign-sheet-at-office = This candidate already has a score sheet for the year on the server, not yet on this device: sync first, then score on that sheet
campaign-closed-removed = Removed: not counted in rankings, targets, reminders or statistics; the file is read-only, and the Town Organisation Office can restore it with a reason
campaign-closed-carried = Carried over to next year: this record is read-only; continue on next year's record
campaign-deleted = Deleted
campaign-open-existing = View the existing candidacy
campaign-carried-to = Next year's record
campaign-carried-from = Carried over from last year's record
campaign-outside-campaign = (outside the campaign years, not counted in targets)
campaign-log-contact = Log a contact
campaign-history = Steps taken
campaign-when = When
campaign-step = Step
campaign-who = By
campaign-reason = Reason
campaign-contact-kind = Type
campaign-way = Contact method
campaign-contact-by = Contact / expert
campaign-help-given = Help given
campaign-contact-status = Contacts (at least 4 a year per candidate)
campaign-guidance = Expert guidance
campaign-base-name = Base name
campaign-industry = Industry
campaign-address = Address
campaign-visits = Study visits
campaign-new-base = New demonstration base
campaign-base-info = Base details
campaign-new-visit = Log a study visit
campaign-attendees = Candidates attending
campaign-new-funding = Log funding support
campaign-funding-kind = Type of support
campaign-funding-level = Funded by
campaign-amount-yuan = Amount (yuan)
campaign-purpose = Project / purpose
campaign-bad-amount = Enter a valid amount (yuan, at most two decimals)
campaign-new-meeting = Log a members' meeting
campaign-attended = Attended
campaign-expected = Expected
campaign-topics = Agenda
campaign-attendance = Attendance
campaign-all-mobilised = Every branch has held its mobilisation meeting
campaign-without-meeting = Branches without a mobilisation meeting yet:
campaign-new-inspection = Log an inspection
campaign-inspection-kind = Inspection type
campaign-inspectors = Inspectors
campaign-findings = Problems found
campaign-fixes = Corrections
campaign-fix-item = Correction
campaign-fix-due = Due
campaign-fixed-on = Done on
campaign-add-fix = Add a correction
campaign-inspection-records = Inspection records
campaign-last-inspected = Last inspected
campaign-days-since = Days since
campaign-open-fixes = Open corrections
campaign-overdue = Inspection overdue
campaign-never = Never inspected
campaign-ranking = Ranking by score
campaign-rank = Rank
campaign-total = Total
campaign-stage = Award stage
campaign-score-sheets = Score sheets
campaign-begin-scoring = Start scoring
campaign-no-rubric = This category has no assessment rubric yet; the Town Organisation Office sets one in Campaign settings
campaign-save-scores = Save scores
campaign-weight = Weight
campaign-max-score = Maximum
campaign-criterion-shown = { $label } (weight { $weight }, maximum { $max })
campaign-reject-reason = Reason for not approving
campaign-commendation-overdue = 1 July has passed and this year's awards have not completed county review
campaign-publish-notice = Publish a notice
campaign-title = Title
campaign-body = Text
campaign-published-on = Published on
campaign-publish = Publish
campaign-no-notices = No notices
campaign-office-only = Campaign settings and rubrics can only be changed by the Town Organisation Office; shown here for reference
campaign-targets = Campaign years and targets
campaign-campaign-name = Campaign name
campaign-start-year = First year
campaign-years = Length (years)
campaign-total-target = Total target
campaign-criterion-label = Criterion
campaign-add-criterion = Add a criterion
campaign-save-rubric = Save rubric (as a new version)
campaign-progress = Progress towards targets
campaign-whole-campaign = Whole campaign
campaign-series-target = Target
campaign-series-approved = Approved
campaign-series-named = Named
campaign-remaining = Still to go
campaign-waiting = Applications waiting
campaign-short-village-leader = Pioneers
campaign-short-enterprise-post = Model posts
campaign-short-business-household = Model households
campaign-short-service-post = Vanguard posts
campaign-all-branches = All branches
campaign-town-progress = Town progress towards targets
campaign-active = Candidates
campaign-mobilised = Mobilisation meeting held
campaign-not-mobilised = No mobilisation meeting yet
campaign-csv-active-suffix = {" · candidates"}
campaign-csv-named-suffix = {" · named"}
campaign-card-heading = Party member enterprise and innovation pioneer
campaign-board = Display board
campaign-red-flag = Red banner
campaign-deeds = Main achievements
campaign-back-to-profile = Back to the file
campaign-town = Town
campaign-county-needs-server = The county dashboard needs the server
campaign-no-server = Cannot reach the server: connect and try again
campaign-county-local = Shown below from the records kept on this device. This device keeps every town's records, so the town signing and the years may be another town's: connect to the server before printing or checking.
campaign-no-towns = No towns on the server yet
campaign-retry = Try again
campaign-county-mixed = This page lists the records of every town this device received; they do not say which town they belong to, so nothing is totalled here. For each town's progress, report, pipeline and ranking, pick the town on the Overview, Report, Pipeline or Assessment screen.
campaign-county-no-totals = Every town's records are mixed here, so no totals or targets are shown: pick a town on the Overview or Report screen.
campaign-year-label = { $year }
campaign-town-shown = The figures below are { $town }'s (read from the server)
campaign-shown-count = { $n ->
    [one] 1 item
   *[other] { $n } items
  }
campaign-pipeline-title = { $year } pipeline (build a batch, cultivate a batch)
campaign-acting-as = Acting as: { $name } ({ $role })
campaign-standards-title = Main standards ({ $met }/{ $total } met)
campaign-reason-for = Reason for "{ $action }" (required)
campaign-reason-required = "{ $action }" needs a reason
campaign-confirm-action = Confirm: { $action }
campaign-state-change = { $from } → { $to }
campaign-who-with-role = { $by } ({ $role })
campaign-contact-status-count = Contacted { $done }/{ $required } times ({ $expected } due by today)
campaign-bases-too-few = { $have ->
    [one] 1 demonstration base
   *[other] { $have } demonstration bases
  } so far; the plan calls for at least { $need }
campaign-inspection-rule = Branches are inspected about every two months: a branch not inspected for more than { $days } days is overdue
campaign-last-inspected-on = Last inspected { $date }
campaign-rubric-version = Rubric version { $version }
campaign-total-score = Total { $total } (out of 100)
campaign-criterion-number = Item { $n }
campaign-rubric-title = { $category } rubric (version { $version })
campaign-rubric-title-draft = { $category } rubric (not set yet; a draft from the main standards below)
campaign-contacts-behind-title = { $n ->
    [one] 1 candidate behind on contacts
   *[other] { $n } candidates behind on contacts
  }
campaign-inspections-overdue-title = { $n ->
    [one] 1 branch overdue for inspection
   *[other] { $n } branches overdue for inspection
  }
campaign-unmobilised-title = { $n ->
    [one] 1 branch without a mobilisation meeting
   *[other] { $n } branches without a mobilisation meeting
  }
campaign-report-title = Four Strives, One Model: progress report { $year }
campaign-report-file-name = four-strives-report-{ $year }.csv
campaign-as-of = As of { $date }
campaign-waiting-line = Applications waiting: on the applicant { $applicant }, on the branch { $secretary }, on the Town Organisation Office { $office }
campaign-inspection-line = Inspection: { $last }{ $flag }, { $open } open corrections
campaign-overdue-flag = {" (overdue)"}
campaign-csv-category = Category
campaign-csv-target = Target
campaign-csv-approved = Approved
campaign-csv-named = Named
campaign-csv-remaining = Still to go
campaign-csv-behind-count = Contacts behind (number)
campaign-csv-behind-names = Contacts behind (names)
campaign-csv-waiting-applicant = Waiting on applicant
campaign-csv-waiting-secretary = Waiting on branch
campaign-csv-waiting-office = Waiting on Town Organisation Office
campaign-csv-mobilised = Mobilisation meeting held
campaign-csv-last-inspected = Last inspected
campaign-csv-inspection-overdue = Inspection overdue
campaign-csv-open-fixes = Open corrections
campaign-state-in-pipeline = { $state } (pipeline)

## sync

sync-nav-sync = Sync
sync-nav-transfer = Export / import
sync-nav-conflicts = Conflicts
sync-login-title = Sign in to the office server
sync-login-hint = Sign in once while online; after that this tablet saves offline too and syncs when it is back online.
sync-username = Username
sync-password = Password
sync-device-name = Tablet name
sync-login = Sign in
sync-logging-in = Signing in…
sync-sign-out = Sign out
sync-not-signed-in = Not signed in, cannot sync.
sync-sync-title = Sync
sync-sync-now = Sync now
sync-syncing = Syncing…
sync-pending = Records waiting to sync
sync-last-success = Last successful sync
sync-never = Never synced
sync-last-error = Last problem
sync-next-attempt = Next automatic sync
sync-offline-wait = Offline now; syncs automatically when online.
sync-upgrade-required = Please update the app
sync-rejected-title = Changes the server refused
sync-rejected-hint = The office did not accept these records' changes, and later changes are held back. Open each record, correct it, then resubmit it under "Outbox".
sync-transfer-title = Export and import files
sync-transfer-hint = Without a network or server, carry changes to the office or another tablet in a file.
sync-export-title = Export
sync-export-pending = Only changes not yet synced
sync-export-all = All data on this device
sync-passphrase-optional = Encryption password (optional)
sync-export-button = Export file
sync-exporting = Writing the file (encryption takes a few seconds)…
sync-import-title = Import
sync-choose-file = Choose an export file
sync-passphrase = File password
sync-import-button = Import
sync-encrypted = This file is encrypted; enter its password.
sync-scope-pending = Changes not yet synced
sync-scope-all = All data
sync-conflicts-title = Conflicts
sync-conflicts-hint = Two tablets changed the same item offline. The later change is in effect; confirm which one to keep.
sync-conflicts-office-only = Only Town Organisation Office accounts can resolve conflicts; below are the conflicts recorded on this device.
sync-conflicts-local = Cannot reach the server; showing the conflicts recorded on this device (resolving needs the network).
sync-no-conflicts = No conflicts to resolve
sync-conflicts-more = These are the oldest { $shown } conflicts; the server holds more. Resolve these, then tap Refresh to list the next ones.
sync-current-value = Current value
sync-other-value = Overwritten value
sync-keep-this = Keep this value
sync-resolved = Resolved
sync-empty-value = (empty)
sync-refresh = Refresh
sync-connection-checking = Connecting to the office…
sync-connection-offline = Offline
sync-connection-no-server = Online, but the office is unreachable
sync-connection-connected = Connected to the office
sync-phase-idle = Idle
sync-phase-pushing = Sending changes
sync-phase-pulling = Receiving others' changes
sync-phase-uploading = Uploading photos
sync-import-verifying = Checking the file…
sync-import-attachments = Writing photos { $done }/{ $total }…
sync-import-operations = Merging { $n } changes…
sync-import-clock-ahead = { $n ->
    [one] 1 change in this file is dated
   *[other] { $n } changes in this file are dated
  } more than a day after this tablet's time (the latest { $time } UTC): the tablet that exported it probably has a wrong date. The file was not imported and nothing here was changed: imported, it would make the server refuse every later change made on this tablet. Correct the date and time on that tablet.
sync-network-unavailable = No network: { $detail }
sync-server-no-answer = The server does not answer
sync-server-status = The server answered { $status }
sync-server-unreadable = The server's answer cannot be read: { $detail }
sync-error-not-signed-in = Not signed in: sign in, then sync
sync-error-offline = Cannot reach the server; trying again automatically
sync-error-timeout = The server took too long; trying again automatically
sync-error-unauthorized = The sign-in has expired: sign in again
sync-error-forbidden = Not allowed: { $detail }
sync-error-unacknowledged = The server did not confirm { $n } changes; trying again automatically
sync-error-server = Server error ({ $status }): { $message }. Trying again automatically
sync-error-bad-response = The server's answer cannot be read: update the app and try again
sync-error-attachment = Photo upload failed: { $detail }
sync-error-busy = A sync is already running; please wait
sync-error-upgrade-required = Please update the app: the office server was upgraded and this version can no longer sync. Changes on this tablet are saved and are sent once the new version is installed
sync-error-disabled = This device or account has been disabled
sync-error-history-changed = The office server's data was restored from an older backup: this tablet is downloading everything again and sending its own changes again
sync-status-too-large = What was sent is too large
sync-status-too-many = Too many requests
sync-status-unavailable = The server is unavailable for now
sync-status-refused = The request was not accepted
sync-login-missing = Enter username and password
sync-login-bad-credentials = Wrong username or password
sync-login-missing-code = Enter the 8-character sign-in code from the Town Organisation Office
sync-login-bad-code = The sign-in code is wrong, used, revoked or expired: get a new one from the Town Organisation Office
sync-login-offline = Cannot reach the server: sign in while online
sync-import-nothing-new = This device already has all { $n } changes in the file; nothing changed
sync-import-done = Imported { $ops } changes: { $records } records updated, { $photos } new photos
sync-import-conflicts = {"; "}{ $n } conflicts found, for the Town Organisation Office to resolve
sync-signed-in-as = Signed in: { $who }
sync-upgrade-kept-pending = { $pending ->
    [one] The 1 change waiting on this tablet is saved
   *[other] The { $pending } changes waiting on this tablet are saved
  } and will not be lost; they are sent automatically once the new version is installed.
sync-upgrade-kept = Changes on this tablet are saved and sync automatically once the new version is installed.
sync-upgrade-required-hint = Please update the app: the office server was upgraded and this version can no longer sync. While on the office network, tap "New version: tap to update" at the top of the page; if it does not appear, close the app and open it again (or reload the page). { $kept }
sync-exported = Exported { $ops } changes and { $photos } photos: { $file }
sync-header-summary = The file holds { $ops } changes and { $photos } photos; exported by { $author } at { $created }
sync-unknown-author = unknown
sync-by-author = Changed by: { $author }
sync-attachment-unreadable = The photo saved on this tablet cannot be read: { $detail }
sync-attachment-size-mismatch = The server holds { $received } bytes, not the { $sent } bytes sent
sync-attachment-unconfirmed = The server did not confirm the whole photo; it will be uploaded again later
sync-rejected-no-reason = The server gave no reason
sync-server-rejected = The server refused { $n ->
        [one] 1 change
       *[other] { $n } changes
    }: { $reasons }
sync-refused-on-tablet = { $n ->
        [one] 1 change was
       *[other] { $n } changes were
    } refused and need fixing: { $reasons }
sync-reasons-and-more = { $reasons }, and more
sync-held-waiting = { $n ->
        [one] 1 change waits
       *[other] { $n } changes wait
    } until their record is fixed
sync-default-device-name = Tablet { $id }

## outbox

outbox-nav-outbox = Outbox
outbox-title = Records waiting to be sent
outbox-hint = Records saved on this device that the office has not received yet. Open a returned record, correct it, then tap "Resubmit".
outbox-all-delivered = Every record saved on this device has reached the office.
outbox-refused-by-server = Returned by the office server:
outbox-refused-on-tablet = Not sent; the server would refuse it:
outbox-fix-then-resubmit = Open the record, correct it, then tap "Resubmit": the whole record is submitted under your account, replacing the returned changes.
outbox-resubmit = Resubmit
outbox-resubmitted = Resubmitted; it goes with the next sync.
outbox-needs-action = Needs action
outbox-draft-of = An unfinished survey draft:
outbox-draft-delete = Delete draft
outbox-draft-delete-confirm = Delete this draft? A draft the office has not received is deleted from this device; one it has received is deleted at the office too.
outbox-draft-deleted = Draft deleted.
outbox-read-only = Your account is read-only and cannot change records.
outbox-waits-for-branch = Sent once its branch (所在支部) is chosen: open the record to choose it.
outbox-photo-fix = Open the record, delete this photo, take it again and save. If the office has solved the problem, tap “Resubmit” to upload it once more. If the record cannot be changed (a visit, say) or the photo can no longer be read, tap “Do not upload this photo”.
outbox-retry-photos = Upload every refused photo again ({ $n } records)
outbox-retried-photos = { $n } photos will be uploaded again at the next sync.
outbox-photo-abandon = Do not upload this photo
outbox-photo-abandon-confirm = The office will not receive this photo; the rest of the record is not affected. Stop uploading this photo?
outbox-waits-for-photos = Its photos have not reached the office yet; they are uploaded when the tablet syncs. If an upload fails, the Sync screen says why.
outbox-fields = Fields: { $fields }
outbox-adopted = { $n ->
    [one] 1 change saved before sign-in now belongs to your account and goes with the next sync.
   *[other] { $n } changes saved before sign-in now belong to your account and go with the next sync.
  }
outbox-adopted-by = (saved before sign-in, taken over by { $author })
outbox-photo-refused = Photo not delivered ({ $reason })

## branches

branches-nav-branches = Branches
branches-title = Branches
branches-hint = The Town Organisation Office creates, renames and retires branches. Records and accounts refer to a branch by its branch code, so renaming changes no record.
branches-retired-prefix = (retired)
branches-unknown-prefix = (unregistered)
branches-out-of-scope-prefix = (outside this account)
branches-no-branches = No branch list on this device yet: enter the branch's full name; after sign-in and sync it is checked against your account's branches.
branches-no-writable = This account has no branch it may fill in.
branches-fixed = Already delivered to the Town Organisation Office: the branch cannot be changed on the tablet. If it is wrong, contact the office.
branches-column-name = Branch name
branches-column-kind = Type
branches-column-unit = Village / unit
branches-column-code = Branch code
branches-column-state = Status
branches-column-records = Records
branches-column-secretary = Branch secretary
branches-active = Active
branches-retired = Retired
branches-new-branch = New branch
branches-code-auto = Assigned on saving
branches-rename = Edit
branches-retire = Retire
branches-restore = Restore
branches-cancel = Cancel
branches-saved = Branch saved
branches-empty = No branches yet.
branches-unmatched-title = Branch entries without a branch
branches-unmatched-hint = These are texts entered as "Branch" in records that match no branch code. Create a branch from one, and its records and the accounts working in it belong to that branch, with no record changed.
branches-unmatched-none = Every record's branch matches a branch.
branches-adopt = Create as branch
branches-office-only = Only the Town Organisation Office can create, edit or retire branches.
branches-read-only = County Organisation Department accounts are read-only: you can view but not change.
branches-town-only = Maintained by the Town Organisation Office.
branches-import-read-only = Read-only accounts cannot import data files.
branches-confirm-retire = Retire branch "{ $name }"? Existing records keep it and still show it, but new records can no longer choose it.
branches-confirm-restore = Restore branch "{ $name }"?
branches-adopting = The branch code keeps the entered text "{ $value }"
branches-records = { $n ->
    [one] 1 record
   *[other] { $n } records
  }
branches-entity-person = Party member
branches-entity-survey = Survey
branches-entity-candidate = Candidate
branches-entity-contact-log = Paired contact
branches-entity-base = Demonstration base
branches-entity-visit = Study visit
branches-entity-funding = Funding support
branches-entity-meeting = Members' meeting
branches-entity-inspection = Inspection
branches-entity-assessment = Assessment score
branches-entity-notice = Notice
branches-entity-campaign = Campaign settings
branches-entity-rubric = Assessment rubric
branches-entity-branch = Branch

## office

office-upload-page-hint = Import export files brought back from tablets on an office computer:
office-upload-page-link = Open the export file upload page
office-nav-office = Town office
office-title = Town Organisation Office: getting started
office-tab-checklist = Checklist
office-tab-accounts = Accounts
office-tab-devices = Devices
office-tab-roster = Import roster
office-refresh = Refresh
office-loading = Loading…
office-checklist-hint = On the first day, in this order: set campaign years and targets, create branches, import the member roster, create accounts, make a sign-in code for each tablet.
office-done = Done
office-not-done = Not done
office-go = Set up
office-accounts-hint = Create accounts for surveyors, branch secretaries and the County Organisation Department, limited to the branches they may write. Tablets can sign in with a one-time code instead of a password.
office-username = Username
office-display-name = Name
office-role = Role
office-branches = Branches
office-state = Status
office-actions = Actions
office-password = Initial password (at least 8 characters)
office-new-account = New account
office-create = Create account
office-created = Account created:
office-enabled = Active
office-disabled = Disabled
office-disable = Disable
office-enable = Enable
office-reset-password = Reset password
office-new-password = New password (at least 8 characters)
office-save-password = Save new password
office-password-reset = Password reset; this account's tablets must sign in again.
office-all-branches = All (Town Organisation Office, County Organisation Department)
office-no-branches-yet = No branches yet: create them under "Branches" first, then the surveyor accounts.
office-signin-code = Sign-in code
office-signin-server = Server address for tablets
office-signin-code-for = One-time sign-in code:
office-signin-code-hint = Scan the QR code with the tablet, or enter the 8-character code under "Sign in with a code" on the tablet's Sync page. It works once.
office-signin-expires = Valid until
office-signin-revoke = Revoke unused sign-in codes
office-signin-revoked = All unused sign-in codes of this account are revoked.
office-print = Print
office-devices-hint = Each tablet reports its state at the end of every sync; tablets in red still hold work the office has not received.
office-device = Device
office-account = Account
office-app-version = App version
office-last-sync = Last sync
office-pending = To sync
office-refused = Returned
office-conflicts = Conflicts
office-oldest-unsent = Oldest unsent
office-never-reported = Not reported yet
office-revoke = Revoke
office-restore = Restore
office-revoked = Revoked
office-holds-unsent = Holds unsent work
office-no-devices = No device has signed in yet.
office-roster-hint = Choose an Excel/WPS sheet (.xlsx) or CSV (UTF-8 or GBK). The header needs 姓名 (name) and 所在支部 (branch) and may have gender, date of birth, phone, ID number and village/unit. Preview first: it imports only when every row is right; importing again updates existing members without duplicates.
office-roster-file = Roster file
office-preview = Preview
office-apply = Import
office-rows = Member rows
office-to-create = New
office-to-update = Updated
office-unchanged = Unchanged
office-issues = Problems
office-row = Row
office-column = Column
office-reason = Reason
office-columns-read = Columns recognised:
office-fix-first = The roster has problems: correct them in the sheet and choose the file again to preview. Nothing is imported while there are problems.
office-ready = The roster is correct and can be imported.
office-code-login-title = Sign in with a code (scan)
office-code-login-hint = Get a one-time sign-in code from the Town Organisation Office: scan the QR code or enter the 8-character code.
office-code = 8-character sign-in code
office-code-login = Sign in with a code
office-scan = Scan to sign in
office-scanning = Point the camera at the QR code…
office-cancel-scan = Stop scanning
office-signing-in = Signing in…
office-signed-in-with-code = Signed in with a code.
office-to-people = Start work
office-card-not-yet = Display cards are only for candidates approved by the town Party committee (current status:
office-issuer = Issued by:
office-period = Period:
office-town-name = Town name (signs printouts, e.g. "Donghai Town")
office-save-town = Save town name
office-town-saved = Town name saved
office-not-office = Sign in with a Town Organisation Office account first (on the Sync page)
office-step-town-not-set = No town name yet: printouts are signed only "中共镇委员会"
office-step-town-set = { $town } (printouts signed: { $committee })
office-step-campaign-default = Campaign settings not saved: the default years { $start }–{ $end } apply; set the town's years and targets in Campaign settings
office-step-campaign-set = Campaign { $start }–{ $end }
office-step-branches-none = No branches yet
office-step-branches-some = { $n ->
    [one] 1 branch
   *[other] { $n } branches
  }
office-step-roster-none = No member roster imported yet
office-step-roster-some = { $n ->
    [one] 1 Party member
   *[other] { $n } Party members
  }
office-step-accounts-none = No surveyor or branch secretary accounts yet
office-step-accounts-some = { $n ->
    [one] 1 field account
   *[other] { $n } field accounts
  }
office-step-tablets-none = No tablet signed in yet
office-step-tablets-some = { $n ->
    [one] 1 tablet signed in
   *[other] { $n } tablets signed in
  }
office-devices-unsent = { $n ->
    [one] 1 tablet holds unsent work
   *[other] { $n } tablets hold unsent work
  }
office-applied = Roster imported: { $created } new, { $updated } updated, { $unchanged } unchanged. Tablets see it after their next sync.
office-date-long = { $day }/{ $month }/{ $year }
office-period-text = 1 January { $year } to 31 December { $year } (campaign { $start }–{ $end })
office-step-town = Town name
office-step-campaign = Campaign years and targets
office-step-branches = Branches
office-step-roster = Member roster
office-step-accounts = Field accounts
office-step-tablets = Tablets
office-not-moved = Not moved to another branch
office-not-moved-hint = These members' branch in the roster differs from the one recorded: their other details are imported as usual (counted under “updated” or “unchanged”) and they stay in their recorded branch; a member cannot be moved to another branch by importing a roster.
office-namesakes = A member of the same name in another branch
office-namesakes-hint = These rows will be added as new members (counted under “New”), but another branch has a member of the same name recorded, who may be the same person, moved here. Check each row before applying.
office-confirm-disable-account = Disable the account “{ $name }”? It can no longer sign in or sync until it is enabled again.
office-confirm-revoke-codes = Revoke every unused sign-in code of the account “{ $name }”? Codes already printed or handed out will no longer work.
office-confirm-revoke-device = Revoke the device “{ $device }” (account { $account })? This tablet can no longer sync until the device is restored.
office-confirm-revoke-device-unsent = Revoke the device “{ $device }” (account { $account })? { $n ->
    [one] This tablet still holds 1 undelivered record: after revoking, it stays on that tablet until the device is restored and syncs.
   *[other] This tablet still holds { $n } undelivered records: after revoking, they stay on that tablet until the device is restored and syncs.
  }


## messages of shared's rules and of the server, by code

msg-list-or = {" or "}
msg-item = { $text }
msg-quoted-state = “{ $state }”
msg-fill-in = Please fill in { $field }
msg-choose = Please choose { $field }
msg-too-long = Too long ({ $n } characters); at most { $max }
msg-date-too-early = { $field } cannot be before { $date }
msg-date-too-late = { $field } cannot be after { $date }
msg-year-out-of-range = The campaign year must be from { $first } to { $last }
msg-standard-not-of-category = This standard is not one of the chosen category
msg-evidence-required = Give the facts for a standard that is met
msg-state-needs-reason = “{ $state }” needs a reason
msg-attendees-required = Choose at least one candidate who attended
msg-attendees-invalid = An attendee is repeated or not valid
msg-amount-not-positive = The amount must be more than 0
msg-attended-not-positive = Attendance must be more than 0
msg-attended-over-expected = Attendance cannot exceed the number expected
msg-fix-due-before-inspection = The deadline cannot be before the inspection
msg-fixed-before-inspection = The correction cannot be done before the inspection
msg-fixed-after-today = The correction date cannot be after today
msg-start-year-out-of-range = The first year must be from { $first } to { $last }
msg-campaign-years-out-of-range = The campaign must last { $first } to { $last } years
msg-year-outside-campaign = { $year } is not a year of the campaign
msg-yearly-targets-over-total = The yearly targets of { $category } add up to { $split }, more than the total ({ $total })
msg-latitude-out-of-range = Latitude must be from -90 to 90
msg-longitude-out-of-range = Longitude must be from -180 to 180
msg-accuracy-negative = Location accuracy cannot be negative
msg-photo-hash-invalid = The photo's identifier is wrong; please take it again
msg-photo-not-image = Only pictures can be uploaded
msg-photo-empty = The photo is empty; please take it again
msg-mobile-format = Mobile number not valid (11 digits, starting 13 to 19)
msg-phone-format = Phone number not valid (mobile: 11 digits; landline like 0580-1234567)
msg-id-number-length = The ID number must have 18 characters
msg-id-number-characters = The ID number must be 17 digits and a last digit or X
msg-id-number-region = The ID number's region code is wrong
msg-id-number-birth-date = The ID number's date of birth is wrong
msg-id-number-check-digit = The ID number's check digit is wrong
msg-name-too-long = The name cannot be longer than { $max } characters
msg-birth-year-out-of-range = The year of birth must be from { $first } to { $last }
msg-id-number-birth-year-differs = The year of birth in the ID number differs from the one given
msg-id-number-gender-differs = The gender in the ID number differs from the one given
msg-version-from-one = Versions start at 1
msg-criteria-required = Add at least one criterion
msg-criterion-key-repeated = This criterion code is used twice
msg-weight-not-positive = The weight must be more than 0
msg-max-score-not-positive = The full score must be more than 0
msg-criterion-not-in-rubric = This criterion is not in the rubric
msg-score-out-of-range = The score must be from 0 to { $max }
msg-branch-name-taken = There is already a branch called “{ $name }”
msg-branch-code-taken = Branch code “{ $code }” is used by another branch
msg-preceded-by-refusal = An earlier change of this record was refused, so this one is not saved yet; correct the record on the tablet and submit it again
msg-value-too-large = This change holds too much (too many fields or entries, or text too long) to be saved; open the record on the tablet, shorten it and submit it again
msg-too-many-conflicts = This change would conflict with { $n } changes made by others, more than one submission may hold, so it is not saved yet; open the record on the tablet, check it and submit it again
msg-clock-ahead = This change is dated { $time } UTC, more than a day after the server's time: the tablet's date may be wrong. Correct the tablet's date and time, make the change again and sync
msg-author-mismatch = The change's author “{ $author }” is not the signed-in account
msg-county-read-only = County accounts are read-only and cannot submit changes
msg-town-office-only = Only the Town Organisation Office may change this kind of record
msg-branch-out-of-scope = Branch “{ $branch }” is not one of yours
msg-missing-branch = This record must belong to a branch
msg-entity-mismatch = This identifier is used by another kind of record ({ $entity })
msg-branch-mismatch = This record belongs to another branch and cannot be moved this way
msg-county-files-only = County accounts are read-only except for recording the county's filing
msg-duplicate-sheet = This candidate already has a score sheet for { $year }; another cannot be started. Score on the existing sheet (if this device's app is old, update it first)
msg-not-scorable = This candidate cannot be scored for { $year }: only candidates of that year approved by the town Party committee (or filed, or named), not removed or returned, can be (now “{ $state }”)
msg-county-files-approved-only = A county account can only record candidates approved by the town Party committee as filed by the county
msg-must-start-at = A new candidate starts as “{ $start }”, not “{ $state }”
msg-restore-to-state-before = A restored candidate goes back to “{ $state }”, its state before removal
msg-commendation-not-back-to-scoring = A commendation cannot go back from “{ $stage }” to scoring
msg-invalid-record = The record did not pass the checks: { $problems }
msg-undecodable-record = A field of this record ({ $entity }) has the wrong format; it cannot be saved
msg-field-too-long = { $field } is too long ({ $n } characters); at most { $max }
msg-value-too-long = Too long ({ $n } characters, at most { $max }); shorten it and save again
msg-assessment-year-out-of-range = The assessment year must be from { $first } to { $last }
msg-wrong-state = Now “{ $state }”: “{ $action }” is not possible (only from { $from })
msg-candidate-removed = This candidate was removed: nothing more can be done but a restore by the Town Organisation Office
msg-candidate-carried-over = This candidacy was carried over to the next year; work on the next year's record
msg-county-records-through-office = County accounts are read-only: the Town Organisation Office records filing, approval and naming for them
msg-reason-required = “{ $action }” needs a reason
msg-choose-category-first = Choose the campaign category first
msg-service-post-named-by-office = Town-office Vanguard posts are nominated by the Town Organisation Office, not applied for by a branch
msg-only-secretary-aggregates = Only the branch secretary (or the Town Organisation Office for them) can submit the branch's applications
msg-only-office-approves = Only the Town Organisation Office can approve applications
msg-only-county-files = Only the County Organisation Department (or the Town Organisation Office for it) can record the filing
msg-only-office-names = Only the Town Organisation Office can record the naming
msg-only-secretary-returns = Only the branch secretary or the Town Organisation Office can return an application
msg-only-office-returns-aggregated = Once the branch has submitted it, only the Town Organisation Office can return an application
msg-only-office-removes = Only the Town Organisation Office can remove a candidate
msg-only-office-adjusts = Only the Town Organisation Office can adjust a candidate
msg-only-office-restores = Only the Town Organisation Office can restore a removed candidate
msg-pipeline-after-town-approval = Once the town committee has approved a candidate, only the Town Organisation Office can change its pipeline (next year) mark
msg-service-post-not-aggregated = Town-office Vanguard posts are chosen by the town Party committee each year, not submitted by a branch
msg-commendation-by-office = The Town Organisation Office records every step of the commendation
msg-scores-incomplete = Scoring is not finished, so the town review cannot be recorded (missing: { $missing })
msg-duplicate-candidacy = This member already has a { $year } candidacy for “{ $category }” ({ $state }); one per member, category and year
msg-duplicate-candidacy-deleted = This member already has a { $year } candidacy for “{ $category }” (deleted); one per member, category and year
msg-outside-campaign = { $year } is not a campaign year ({ $start } to { $end }); the Town Organisation Office sets the years in campaign settings
msg-not-carriable = Only pipeline candidates and town-office Vanguard posts go on to the next year
msg-upgrade-required = Please update the app: the server needs sync protocol { $minimum } or later, this app speaks { $client }. Your changes are saved on this tablet and will be sent after the update
msg-op-id-conflict = Change { $id } was sent before with other content; nothing of this batch was saved
msg-unauthorized = Not signed in, or the sign-in expired; please sign in again
msg-invalid-credentials = Wrong user name or password
msg-invalid-signin-code = The sign-in code is wrong, used, revoked or expired; ask the Town Organisation Office for a new one
msg-forbidden = This account may not do this
msg-not-found = No such address
msg-method-not-allowed = This address does not take this method
msg-malformed-json = The request is not valid JSON or lacks a required item
msg-unsupported-media-type = The request must be application/json
msg-payload-too-large = The request is too large; send it in parts
msg-username-taken = This user name exists already
msg-offset-mismatch = Wrong upload position: the server holds { $received } bytes; go on from there
msg-attachment-total-mismatch = The attachment's size differs from the upload under way ({ $recorded } bytes)
msg-attachment-hash-mismatch = The attachment did not match its checksum and was dropped; upload it again
msg-busy = The server is busy; try again shortly
msg-too-many-attempts = Too many attempts; try again in { $seconds } s
msg-account-disabled = This account is disabled; contact the Town Organisation Office
msg-device-revoked = The Town Organisation Office has blocked this tablet; it cannot sign in until they restore it
msg-setup-no-branches = No branches yet: add the town's Party branches under “Branches”.
msg-setup-year-outside-campaign = This year ({ $year }) is not within the campaign's years { $first }–{ $last }, so this year's figures are all 0: change the years in “Campaign settings”.
msg-setup-candidates-outside-campaign = { $count ->
        [one] 1 candidate has a year
       *[other] { $count } candidates have years
    } ({ $years }) outside the campaign's years { $first }–{ $last } and { $count ->
        [one] is
       *[other] are
    } counted nowhere: change the campaign's years or the candidates' years.
msg-year-item = { $year }
msg-form-code-renamed = “{ $field }”: choice code { $from } became { $to }
msg-form-question-removed = The form no longer asks “{ $field }”; the answer { $value } stays in the record
msg-form-required-question-added = The form has a new required question “{ $field }” (not required to finalise this survey, made on the earlier form)
msg-form-question-added = The form has a new question “{ $field }”
msg-form-value-kept = “{ $field }”: the answer { $value } is not a current choice; it is kept as it was, please choose again
msg-form-version = Form version { $to }
msg-form-version-notes = Form version { $to }: { $notes }
msg-form-upgraded = Form upgraded from version { $from } to { $to }
msg-form-upgraded-notes = Form upgraded from version { $from } to { $to }: { $notes }
msg-export-not-an-export = This is not an export file of Four Strives, One Model
msg-export-unsupported-version = Export file version { $found } is not supported (this program reads version { $supported }); please update it
msg-export-truncated = The file is incomplete (the transfer may have been cut); export it again
msg-export-corrupt = The file is damaged or was changed (checksum differs); nothing was imported
msg-export-count-mismatch = The file's count of records does not match its content; nothing was imported
msg-export-passphrase-required = This file is encrypted; enter its password
msg-export-wrong-passphrase = Wrong password, or the file was changed
msg-export-kdf-out-of-range = The file's encryption settings are out of range (it may have been tampered with); nothing was imported
msg-export-crypto = Encryption failed: { $detail }
msg-import-refused = { $reason } (nothing of the file was imported)
msg-unknown-author = The change's author “{ $author }” has no account on the server; open one before importing
msg-internal = Server error; try again later or contact the administrator
msg-photo-quota = This account has sent its day's photos ({ $mb } MB): the other photos stay on the tablet and go on as the quota refills (about { $per_hour } MB an hour); to raise the limit, contact the town office
msg-storage-full = The office server is short of disk space, so what was just sent was not stored (what was stored before is safe); the town office must free disk space on the server
msg-password-length = The password must have { $min } to { $max } characters
msg-username-length = Enter a user name of at most { $max } characters
msg-username-has-spaces = A user name cannot contain spaces
msg-username-invisible-characters = A user name cannot contain control or invisible characters
msg-username-not-standard = A user name cannot contain full-width letters or digits or compatibility characters; type them in the standard way
msg-display-name-invisible-characters = A name cannot contain control or invisible characters
msg-display-name-length = Enter a name of at most { $max } characters
msg-branches-required = Surveyors and branch secretaries need at least one branch
msg-town-required-for-account = Only a County Organisation Department account can belong to no town
msg-unreadable-body = The request could not be read
msg-invalid-query = Invalid query parameters: { $detail }
msg-history-changed = The office server's data was restored from an older backup: this tablet downloads everything again and sends its own changes again
msg-invalid-cursor-check = The sync position's check is not valid
msg-invalid-path = Invalid address: { $detail }
msg-bad-protocol = The sync protocol version “{ $value }” is not a number
msg-empty-roster = No roster file was received
msg-invalid-sha256 = An attachment's number must be a SHA-256 of 64 hexadecimal digits
msg-chunk-past-end = The upload goes past the attachment's stated size
msg-invalid-server-address = The server address must begin with http:// or https://, such as https://192.168.1.10:8443
msg-invalid-report = The tablet's report is not correct
msg-town-name-too-long = A town's name can have at most { $max } characters
msg-town-required = A county account must name the town (town)
msg-invalid-passphrase-header = X-Export-Passphrase cannot be read: write characters other than ASCII URL-encoded (percent-encoded)
msg-cannot-disable-self = You cannot disable the account you are signed in with
msg-town-not-found = Town not found
msg-candidate-not-found = Candidate not found
msg-conflict-not-found = Conflict record not found
msg-attachment-not-found = Attachment not found
msg-user-not-found = Account not found
msg-device-not-found = Tablet not found
msg-unknown-export = No such export (choose people, surveys or candidates, as .csv or .xlsx)
msg-roster-unreadable = The spreadsheet cannot be read: { $detail } (save it as .xlsx or .csv in Excel or WPS, then import it)
msg-roster-no-sheet = The spreadsheet cannot be read: the file has no sheet (save it as .xlsx or .csv in Excel or WPS, then import it)
msg-roster-encoding = The file's encoding is not recognised: save it as CSV in UTF-8 or GBK, or as .xlsx
msg-roster-too-large = The spreadsheet is far too large once unpacked to be a member roster
msg-roster-too-many-rows = The roster has more than { $max } rows; import it in parts
msg-roster-no-header = No header in the first { $rows } rows: the sheet needs the columns 姓名 (name) and 所在支部 (branch)
msg-roster-no-branch-column = The header has no 所在支部 (branch) column
msg-roster-cell-too-long = Too long (at most { $max } characters)
msg-roster-gender = Gender must be 男 (male) or 女 (female), not “{ $value }”
msg-roster-birth = The date of birth “{ $value }” is not recognised (write it like 1980, 1980-05 or 1980年5月)
msg-roster-branch-retired = The branch “{ $branch }” has been closed; members cannot be added to it
msg-roster-branch-unknown = There is no branch “{ $branch }”: create it under “Branches” first, or check the name
msg-roster-duplicate-id = Same ID number as row { $row }
msg-roster-duplicate-member = Same member as row { $row } (same name, year of birth and branch)
msg-roster-branch-differs = This ID number is a member already recorded in “{ $branch }”, but the roster gives another branch; moving a member to another branch cannot be done by importing a roster
msg-roster-has-problems = { $count ->
        [one] The roster has 1 problem
       *[other] The roster has { $count } problems
    }; nothing was imported. Preview it and correct them first, then import
msg-roster-refused = The server refused { $count ->
        [one] 1 record
       *[other] { $count } records
    } of the roster ({ $first }); nothing was imported
msg-rubric-version-mismatch = This score sheet was made with rubric version { $sheet }, not the current version { $rubric }; scores already recorded do not change with the rubric
msg-rubric-category-mismatch = The score sheet and the rubric are for different categories
msg-rubric-no-weight = The rubric has no valid weight
msg-criterion-score-out-of-range = The score { $score } for “{ $criterion }” is out of range (0 to { $max })
msg-carried-from = Carried over from the { $year } record
msg-carried-to = Carried over to { $year }
msg-roster-out-of-bounds = Cell { $cell } is outside what a roster may use (at most { $max } member rows and { $cols } columns): delete what that cell holds (or copy the roster to a new sheet) and import it again; if there really are more than { $max } members, import them in parts
msg-roster-format = This kind of spreadsheet (such as .xlsb or .ods) is not taken: save it as .xlsx or .csv in Excel or WPS, then import it
msg-roster-not-moved = Not moved: this member is recorded in “{ $stored }”, the roster says “{ $file }”; the other details are updated from the roster and the member stays in “{ $stored }” (a member cannot be moved to another branch by importing a roster)
msg-roster-possible-duplicate = Possible duplicate: { $count } members named “{ $name }” recorded in this branch ({ $candidates }) could each be this row (the year of birth is missing on one side), so which one cannot be told and nothing was imported; add the ID number or date of birth in the roster, or first complete the recorded members' year of birth
msg-roster-namesake-elsewhere = To be added as a new member: { $count ->
    [one] a member named “{ $name }” is
   *[other] { $count } members named “{ $name }” are
} recorded in another branch ({ $candidates }). If this is the same person, who moved to this branch, applying makes a second record of them (the roster's row and the recorded member do not both have an ID number to compare): do not apply yet; add the ID number in the roster and in the member's details, then import again. If it is someone else, apply as usual
msg-roster-namesake = { $branch }, { $member }
msg-roster-candidate = born { $year }
msg-roster-candidate-at = born { $year }, { $value }
msg-roster-candidate-no-year = year of birth not recorded
msg-roster-candidate-no-year-at = year of birth not recorded, { $value }
msg-roster-duplicate-maybe = Possibly the same member as row { $row } (same name and branch, the year of birth missing in one of the rows): add the date of birth or ID number to tell them apart
msg-roster-same-member = The same recorded member as row { $row }


## server

server-import-title = Import an export file
server-import-heading = Import a tablet's export file
server-import-intro = A site without network makes an export file on the tablet's “Export” page and brings it to the Town Organisation Office to import here. Importing the same file again saves nothing twice.
server-import-username = Town Organisation Office account
server-import-password = Password
server-import-file = Export file
server-import-passphrase = File password
server-import-passphrase-hint = (if the file is encrypted)
server-import-submit = Import
server-import-failed = Import failed
server-import-again = Back to import again
server-import-done = Import done
server-import-complete = The whole file was imported.
server-import-done-refused = Imported, but some changes were refused
server-import-partial = { $rejected ->
    [one] 1 change in the file was refused and not saved
   *[other] { $rejected } changes in the file were refused and not saved
  } (the reasons are below); the others were saved, or had been imported before. The refused changes stay on the tablet that exported them: when it syncs with a network it shows the reasons, and they can be corrected and submitted again.
server-import-all-refused = { $rejected ->
    [one] The file's 1 change was refused; nothing was saved
   *[other] All { $rejected } changes in the file were refused; nothing was saved
  } (the reasons are below). The refused changes stay on the tablet that exported them: when it syncs with a network it shows the reasons, and they can be corrected and submitted again.
server-import-device = From device
server-import-author = Exported by
server-import-created = Exported at
server-import-operations = Changes in the file
server-import-accepted = Newly saved
server-import-duplicate = Imported before (repeated)
server-import-rejected = Refused
server-import-photos = Photos
server-import-photos-count = { $n } ({ $new } new)
server-import-refused-record = Refused: { $kind } · { $name }
server-import-refused-detail = Fields: { $fields } (change { $id })
server-import-more = Import another file
server-import-field-too-long = A form field is too long
server-import-field-not-text = A form field is not valid text
server-import-file-too-large = The file is too large to import
server-import-unreadable = The upload could not be read; choose the file again and retry
server-import-office-only = Only Town Organisation Office accounts can import export files
server-import-credentials-first = Fill in the Town Organisation Office account and password before the file
server-import-use-form = Upload the file with the import page's form
server-import-choose-file = Choose the export file to import
## labels of shared's lists, by code

category-village_leader = Fishing/farming village Party member: enterprise and innovation pioneer
category-enterprise_post = Enterprise Party member: enterprise and innovation model post
category-business_household = Self-employed Party member: enterprise and innovation model household
category-service_post = Town office Party member: vanguard post serving enterprise and innovation
unit-kind-village = Fishing/farming village or community
unit-kind-enterprise = Enterprise
unit-kind-business = Self-employed business
unit-kind-organ = Town government office
gender-male = Male
gender-female = Female
survey-status-draft = Draft
survey-status-final = Final
employment-fishery = Fishing / aquaculture
employment-agriculture = Farming / livestock
employment-enterprise_staff = Enterprise employee
employment-enterprise_owner = Business owner
employment-individual_business = Self-employed
employment-public_sector = Government or public institution
employment-migrant_work = Working away from home
employment-retired = Retired
employment-not_working = No regular work
employment-other = Other
potential-level-high = High potential
potential-level-medium = Some potential
potential-level-low = Little potential
potential-level-none = None yet
turnover-band-under_100k = Under 100,000 yuan
turnover-band-100k_500k = 100,000–500,000 yuan
turnover-band-500k_1m = 500,000–1 million yuan
turnover-band-1m_5m = 1–5 million yuan
turnover-band-over_5m = Over 5 million yuan
three-cultivation-member_to_earner = Party member to become a wealth creator
three-cultivation-earner_to_member = Wealth creator to become a Party member
three-cultivation-earner_to_cadre = Party member wealth creator to become a village cadre
mentoring-ability-strong = Strong
mentoring-ability-fair = Fairly strong
mentoring-ability-average = Average
mentoring-ability-weak = Weak
mentoring-willingness-willing = Willing to mentor
mentoring-willingness-undecided = Depends
mentoring-willingness-unwilling = Not for now
section-identity = Basic details
section-employment = Employment
section-potential = Enterprise and innovation potential
section-resources = Social resources
section-village_wealth = Income potential
section-enterprise_innovation = Innovation potential
section-business = Business
section-three_cultivation = Three cultivations
section-tech_talent = Practical technical experts
section-service_performance = Service to enterprise and innovation
section-industry = Industry information and direction
section-location = Location and photos
section-notes = Notes
contact-way-visit = Visit
contact-way-phone = Phone
contact-way-meeting = Meeting
contact-way-other = Other
contact-kind-pairing = Paired contact
contact-kind-expert_guidance = Expert guidance
funding-kind-project_grant = Project grant
funding-kind-micro_credit = Micro credit loan
funding-kind-interest_subsidy = Interest subsidy
funding-kind-other = Other support
funding-level-city = City
funding-level-county = County
funding-level-town = Town
funding-level-branch = Branch
branch-kind-village = Fishing/farming village
branch-kind-community = Community
branch-kind-enterprise = Enterprise
branch-kind-organ = Town government office
inspection-kind-announced = Announced
inspection-kind-unannounced = Unannounced
application-state-applied = Applied
application-state-branch_aggregated = Collected by branch
application-state-town_approved = Approved by town Party committee
application-state-county_filed = Filed with County Organisation Department
application-state-named = Named
application-state-returned = Returned
application-state-removed = Removed
application-state-adjusted = Adjusted
application-state-carried_over = Carried over to next year
application-action-apply = Apply
application-action-aggregate = Collect at branch
application-action-approve = Town Party committee approval
application-action-file = File with county
application-action-name = Name
application-action-return = Return
application-action-remove = Remove
application-action-adjust = Adjust
application-action-carry_over = Register for next year
application-action-restore = Restore
integrity-grade-aaa = AAA (excellent)
integrity-grade-aa = AA (good)
integrity-grade-a = A (fairly good)
integrity-grade-b = B (average)
integrity-grade-c = C (poor)
commendation-stage-scoring = Scoring
commendation-stage-town_reviewed = Passed town first review
commendation-stage-county_approved = Approved by County Organisation Department
commendation-stage-city_named = Named by City Organisation Department
commendation-stage-top_ten_recommended = Recommended for the city's top ten
commendation-stage-not_passed = Not passed
commendation-action-town_review = Town first review
commendation-action-county_approve = County review
commendation-action-city_name = City naming
commendation-action-recommend_top_ten = Recommend for top ten
commendation-action-reject = Do not approve
entity-kind-person = Member details
entity-kind-survey = Survey form
entity-kind-candidate = Candidate
entity-kind-contact_log = Paired contact record
entity-kind-base = Demonstration base
entity-kind-visit = Study visit record
entity-kind-funding = Funding support record
entity-kind-meeting = Members' meeting record
entity-kind-inspection = Inspection record
entity-kind-assessment = Assessment score sheet
entity-kind-notice = Notice
entity-kind-campaign = Campaign settings
entity-kind-rubric = Scoring rubric
entity-kind-branch = Branch
delivery-state-refused = Returned, needs action
delivery-state-conflict = Conflict (office resolves)
delivery-state-pending = Saved, waiting to send
delivery-state-draft = Draft
delivery-state-from_file = From a file; the tablet that made it sends it
delivery-state-delivered = Delivered
role-surveyor = Surveyor
role-branch_secretary = Branch secretary
role-town_office = Town Organisation Office
role-county_viewer = County Organisation Department
field-label-name = name
field-label-member = Party member
field-label-surveyed_member = surveyed member
field-label-branch = branch
field-label-meeting_branch = branch
field-label-inspected_branch = inspected branch
field-label-category = campaign category
field-label-candidate = candidate
field-label-surveyor = surveyor
field-label-surveyed_at = survey date
field-label-gender = gender
field-label-birth_year = year of birth
field-label-phone = phone
field-label-id_number = ID card number
field-label-village_unit = village / enterprise / office
field-label-employment = employment
field-label-potential_level = enterprise and innovation potential
field-label-wealth_potential = income potential
field-label-innovation_potential = innovation potential
field-label-trade = line of business
field-label-turnover_band = annual turnover
field-label-employees = employees
field-label-service_performance = service to enterprise and innovation
field-label-mentoring_ability = mentoring ability
field-label-mentoring_willingness = willingness to mentor
field-label-tech_specialty = technical speciality
field-label-contact_date = contact date
field-label-contact_way = contact method
field-label-contact_content = what was discussed
field-label-contact_person = contact person
field-label-base = demonstration base
field-label-visit_date = visit date
field-label-visit_content = what was learned
field-label-funding_kind = type of support
field-label-funding_level = level of support
field-label-funding_date = support date
field-label-meeting_date = meeting date
field-label-meeting_topics = meeting topics
field-label-attended = attendance
field-label-inspection_date = inspection date
field-label-inspection_kind = inspection type
field-label-findings = findings
field-label-fix_item = correction
field-label-base_name = base name
field-label-industry = industry
field-label-notice_title = title
field-label-notice_body = text
field-label-published_on = publication date
field-label-branch_name = branch name
field-label-branch_kind = branch type
field-label-criterion_key = criterion code
field-label-criterion_label = criterion
field-label-author = author
field-label-branch_code = branch code
field-label-clock_device = device clock name
field-label-field_name = field name
field-label-content = content
