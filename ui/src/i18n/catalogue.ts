// Generated from crates/text/messages/*.json by mb-text. Do not edit by hand:
// change the JSON, then run `UPDATE_BINDINGS=1 cargo test -p mb-text`.
import type {
  AdviceCode,
  ExplanationCode,
  FailureReason,
  FileReason,
  IssueCode,
  Severity,
  UploadState,
} from '../ipc/bindings';

/** The texts of one issue code: the app shows title/what/todo, the CLI meaning/reason. */
export type IssueText = { title: string; what: string; todo: string; meaning: string; reason?: string };
/** Failure reasons that are codes (a `message` is shown as it came). */
export type FailureCode = Exclude<FailureReason['kind'], 'message'>;
export type Catalogue = {
  advice: Record<AdviceCode, string>;
  common: { rows_few: string; rows_many: string; rows_one: string; rows_other: string };
  explain: Record<ExplanationCode, string>;
  file_reason: Record<FileReason['kind'], string>;
  issues: Record<IssueCode, IssueText>;
  notify: { accepted_few: string; accepted_many: string; accepted_one: string; accepted_other: string; failed: string; failed_body: string; follow_stopped: string; follow_stopped_title: string; job_failed: string; job_overdue: string; linkage_failure: string; linked_few: string; linked_many: string; linked_one: string; linked_other: string; linked_share_drop: string; needs_look: string; processed: string; window_closing_few: string; window_closing_many: string; window_closing_one: string; window_closing_other: string; window_closing_zero: string };
  reason: Record<FailureCode, string>;
  send: { partFailed: string; partInterrupted: string; partRejected: string; partial_few: string; partial_many: string; partial_one: string; partial_other: string; partial_zero: string; reviewAll_few: string; reviewAll_many: string; reviewAll_one: string; reviewAll_other: string; reviewNew_few: string; reviewNew_many: string; reviewNew_one: string; reviewNew_other: string };
  severity: Record<Severity, string>;
  stages: { done: string; downloading: string; installing: string; reading: string; uploading: string; validating: string; waiting: string; writing: string };
  states: Record<UploadState, string>;
};

export const ru: Catalogue = {
  "advice": {
    "check_goal_identifiers": "Проверьте идентификаторы целей (JavaScript-событие) в счётчике.",
    "check_identifiers_and_window": "Проверьте, что сайт передаёт ClientID в этот счётчик и что события не старше 21 дня.",
    "fix_file_and_upload_again": "Исправьте файл и загрузите его снова.",
    "reconcile_then_resend": "Нажмите «Отправить заново»: сначала проверим, дошёл ли файл, поэтому данные не задвоятся.",
    "resend": "Нажмите «Отправить заново» — до Метрики ничего не дошло, данные не задвоятся.",
    "review_rejected_rows": "Откройте файл с отклонёнными строками, исправьте их и загрузите снова.",
    "see_newer_upload": "Посмотрите более новую загрузку в списке.",
    "server_dropped_invalid_rows": "Метрика молча убирает строку, где нет обязательного значения (идентификатора, цели, даты) или оно неверно по её правилам — например, дата ещё в будущем по её часам. Остальные строки приняты, отправлять их заново не нужно.",
    "wait_for_processing": "Обычно это занимает до двух часов. Нажмите «Обновить статус» позже."
  },
  "common": {
    "rows_few": "{{count, number}} строки",
    "rows_many": "{{count, number}} строк",
    "rows_one": "{{count, number}} строка",
    "rows_other": "{{count, number}} строки"
  },
  "explain": {
    "crm_accepted": "Метрика приняла: {{rows}}.",
    "failed": "Отправка не удалась: файл не сохранился в Метрике.",
    "goals_not_found": "Не нашлась цель: {{rows}}.",
    "interrupted": "Отправка прервалась (пропала сеть или программу закрыли), и неизвестно, дошёл ли файл.",
    "linkage_failure": "Ни одна строка не связалась с визитами.",
    "linked": "Связано с визитами: {{rows}}.",
    "not_sent": "Файл подготовлен, но ещё не отправлен.",
    "processing": "Метрика обрабатывает файл.",
    "rejected": "Метрика отклонила файл целиком.",
    "rows_dropped_by_server": "Метрика отбросила при своей проверке: {{rows}}.",
    "rows_kept_by_server": "Метрика приняла из файла: {{rows}}.",
    "rows_rejected_locally": "Не отправлены из-за ошибок в файле: {{rows}}.",
    "sending": "Файл отправляется.",
    "static_calls": "Звонки на статический номер: {{rows}}. Они не связываются с визитами, но видны в отчётах по звонкам.",
    "stopped_by_user": "Вы остановили отправку, когда файл уже уходил в Метрику, — неизвестно, дошёл ли он.",
    "superseded": "Эту загрузку заменила более новая.",
    "users_not_found": "Не нашлись посетители: {{rows}}. За 21 день до события на сайте не было визитов с этими ClientID, телефонами или почтой — это нормально для покупателей, пришедших не с сайта."
  },
  "file_reason": {
    "bad_delimiter": "такой разделитель не подходит",
    "damaged_workbook": "книга Excel повреждена",
    "empty": "файл пуст",
    "io": "файл занят другой программой или диск недоступен — закройте файл в других программах и повторите",
    "line_too_long": "строка {{line}} слишком длинная (больше 64 МБ) — это не таблица или файл повреждён",
    "no_header": "не найдена строка заголовков",
    "not_a_folder": "это не папка",
    "not_found": "файл не найден",
    "not_regular_file": "это не обычный файл (папка, канал, сокет или устройство) — выберите файл с данными",
    "not_text": "это не таблица (CSV или Excel)",
    "permission_denied": "нет прав на чтение",
    "sheet_not_found": "нет такого листа",
    "unknown_encoding": "неизвестная кодировка",
    "workbook_too_large": "книга Excel слишком велика для безопасного чтения (больше 1,5 млн ячеек, 48 МБ текста или файл больше 64 МБ, для .xls — 32 МБ) — сохраните лист как CSV"
  },
  "issues": {
    "all_static_calls": {
      "meaning": "все звонки статические — загрузка закончится статусом LINKAGE_FAILURE",
      "title": "Все звонки статические",
      "todo": "Проверьте, что выгрузили звонки с подменных номеров.",
      "what": "Все звонки в файле — на статический номер: ни один не свяжется с визитом."
    },
    "attribute_not_on_counter": {
      "meaning": "в счётчике нет такого атрибута контакта — создайте его (Метрика → CRM → Атрибуты или в программе) или не отправляйте этот столбец",
      "title": "Нет такого атрибута в счётчике",
      "todo": "На шаге «Столбцы» создайте атрибут или выберите «Не передавать».",
      "what": "Столбец «{{column}}» сопоставлен с атрибутом контакта «{{value}}», которого нет в счётчике."
    },
    "bad_encoding": {
      "meaning": "байты не читаются в выбранной кодировке — выберите другую кодировку",
      "title": "Неверная кодировка",
      "todo": "Смените кодировку на шаге «Файл» (обычно windows-1251 или UTF-8).",
      "what": "Часть текста не читается в выбранной кодировке."
    },
    "client_type_case": {
      "meaning": "client_type приведён к CONTACT",
      "title": "Значение исправлено",
      "todo": "Ничего делать не нужно — исправим при отправке.",
      "what": "Значение «{{value}}» записали в виде, который принимает Метрика."
    },
    "currency_lowercase": {
      "meaning": "код валюты исправлен на заглавные буквы",
      "title": "Валюта строчными буквами",
      "todo": "Исправим сами, делать ничего не нужно.",
      "what": "Код валюты «{{value}}» записан строчными буквами."
    },
    "currency_trimmed": {
      "meaning": "у кода валюты убраны пробелы",
      "title": "Значение исправлено",
      "todo": "Ничего делать не нужно — исправим при отправке.",
      "what": "Значение «{{value}}» записали в виде, который принимает Метрика."
    },
    "date_only": {
      "meaning": "дата без времени — Метрика ищет визиты до 23:59 этого дня",
      "title": "Дата без времени",
      "todo": "Если время известно, добавьте его.",
      "what": "В дате «{{value}}» нет времени — Метрика будет искать визиты до 23:59 этого дня."
    },
    "datetime_before_1970": {
      "meaning": "дата раньше 1970 года — Метрика такие не принимает",
      "reason": "дата «{{value}}» раньше 1970 года",
      "title": "Дата раньше 1970 года",
      "todo": "Укажите настоящую дату или пропустите строку.",
      "what": "Дата «{{value}}» раньше 1970 года — похоже, ячейка была пустой и программа подставила дату."
    },
    "datetime_converted": {
      "meaning": "дата переведена во время Unix по часовому поясу счётчика",
      "title": "Значение исправлено",
      "todo": "Ничего делать не нужно — исправим при отправке.",
      "what": "Значение «{{value}}» записали в виде, который принимает Метрика."
    },
    "datetime_normalized": {
      "meaning": "дата приведена к принятому формату",
      "title": "Значение исправлено",
      "todo": "Ничего делать не нужно — исправим при отправке.",
      "what": "Значение «{{value}}» записали в виде, который принимает Метрика."
    },
    "datetime_offset_converted": {
      "meaning": "дата с часовым поясом переведена в пояс счётчика",
      "title": "Значение исправлено",
      "todo": "Ничего делать не нужно — исправим при отправке.",
      "what": "Значение «{{value}}» записали в виде, который принимает Метрика."
    },
    "datetime_reformatted": {
      "meaning": "дата приведена к формату, который принимает Метрика",
      "title": "Значение исправлено",
      "todo": "Ничего делать не нужно — исправим при отправке.",
      "what": "Значение «{{value}}» записали в виде, который принимает Метрика."
    },
    "datetime_too_old": {
      "meaning": "дата раньше 2000 года — в ячейке, похоже, не время события",
      "reason": "«{{value}}» — дата раньше 2000 года, а не время события",
      "title": "Дата раньше 2000 года",
      "todo": "Укажите настоящие дату и время события или пропустите строку.",
      "what": "Время «{{value}}» — это дата раньше 2000 года. Похоже, в ячейке не время покупки, а маленькое число: номер, ноль или другое значение."
    },
    "duplicate_call": {
      "meaning": "повтор звонка в файле",
      "title": "Повтор строки",
      "todo": "Отправим её один раз. Если это разные заказы, проверьте номера.",
      "what": "Строка повторяет другую строку файла («{{value}}»)."
    },
    "duplicate_check_failed": {
      "meaning": "повторы строк не проверены: не удалось записать временный файл проверки",
      "title": "Повторы не проверены",
      "todo": "Освободите место на диске и проверьте файл ещё раз.",
      "what": "Не удалось записать временный файл проверки повторов, поэтому повторяющиеся строки не искали."
    },
    "duplicate_check_limited": {
      "meaning": "файл очень большой: повторы проверены не во всех строках",
      "title": "Повторы проверены не везде",
      "todo": "Ничего делать не нужно. Если важно, разделите файл на части поменьше.",
      "what": "Файл очень большой: повторяющиеся строки искали не во всех строках."
    },
    "duplicate_contact_id": {
      "meaning": "повтор идентификатора клиента в файле",
      "title": "Повтор строки",
      "todo": "Отправим её один раз. Если это разные заказы, проверьте номера.",
      "what": "Строка повторяет другую строку файла («{{value}}»)."
    },
    "duplicate_conversion": {
      "meaning": "повтор: та же конверсия уже есть в файле",
      "title": "Повтор строки",
      "todo": "Отправим её один раз. Если это разные заказы, проверьте номера.",
      "what": "Строка повторяет другую строку файла («{{value}}»)."
    },
    "duplicate_order_id": {
      "meaning": "повтор номера заказа в файле — Метрика применит строки в случайном порядке",
      "title": "Повтор строки",
      "todo": "Отправим её один раз. Если это разные заказы, проверьте номера.",
      "what": "Строка повторяет другую строку файла («{{value}}»)."
    },
    "duration_normalized": {
      "meaning": "длительность приведена к секундам",
      "title": "Значение исправлено",
      "todo": "Ничего делать не нужно — исправим при отправке.",
      "what": "Значение «{{value}}» записали в виде, который принимает Метрика."
    },
    "email_normalized": {
      "meaning": "e-mail приведён к нижнему регистру без пробелов",
      "title": "Значение исправлено",
      "todo": "Ничего делать не нужно — исправим при отправке.",
      "what": "Значение «{{value}}» записали в виде, который принимает Метрика."
    },
    "empty_file": {
      "meaning": "в файле нет данных",
      "title": "Пустой файл",
      "todo": "Проверьте, что выгрузили нужный файл и лист.",
      "what": "В файле нет ни одной строки с данными."
    },
    "empty_order_id": {
      "meaning": "пустой номер заказа — Метрика свяжет заказ с визитами только по дате, а новая загрузка не обновит его, а добавит ещё раз",
      "title": "Пустой номер заказа",
      "todo": "Впишите номер заказа из CRM или оставьте как есть, если номера нет.",
      "what": "Номер заказа не заполнен. Метрика свяжет заказ с визитами только по дате, а следующая загрузка не обновит его, а добавит ещё раз."
    },
    "excel_damaged_column": {
      "meaning": "столбец испорчен Excel (длинные номера округлены), а первые такие строки уже признаны годными — выгрузите файл заново со столбцом в формате «Текстовый»",
      "title": "Столбец испорчен Excel",
      "todo": "Выгрузите файл заново, не открывая его в Excel, или задайте столбцу текстовый формат.",
      "what": "В столбце слишком много номеров с нулями на конце ({{value}}) — так Excel округляет длинные числа. Первые такие строки уже были признаны годными, поэтому файл целиком не отправить."
    },
    "excel_number_id": {
      "meaning": "идентификатор записан как число Excel — проверьте, что цифры не потеряны",
      "title": "Номер испорчен Excel",
      "todo": "Выгрузите файл заново, не открывая его в Excel, или задайте столбцу текстовый формат.",
      "what": "Номер «{{value}}» Excel записал как число — ведущие нули или последние цифры могли пропасть."
    },
    "excel_rounded_id": {
      "meaning": "идентификатор округлён Excel: в этом столбце слишком много номеров оканчиваются нулями (после 15-й цифры), так Excel портит длинные числа — выгрузите заново со столбцом в формате «Текстовый»",
      "reason": "номер «{{value}}» округлён Excel (в столбце слишком много номеров с нулями на конце)",
      "title": "Номер округлён Excel",
      "todo": "Выгрузите файл заново, не открывая его в Excel.",
      "what": "Номер «{{value}}» округлён Excel: в этом столбце слишком много номеров с нулями на конце, так Excel портит длинные числа."
    },
    "excel_scientific_id": {
      "meaning": "идентификатор испорчен Excel (экспоненциальная запись) — цифры потеряны; выгрузите заново, задав столбцу формат «Текстовый»",
      "reason": "номер «{{value}}» испорчен Excel (записан как 1,23E+18)",
      "title": "Номер испорчен Excel",
      "todo": "Выгрузите файл заново, не открывая его в Excel, или задайте столбцу текстовый формат.",
      "what": "Номер «{{value}}» испорчен Excel: длинное число стало записью вида 1,7E+18, последние цифры потеряны."
    },
    "excel_serial_date": {
      "meaning": "дата записана числом Excel (дни с 1900 года), а не временем Unix",
      "reason": "«{{value}}» — дата в виде числа Excel, а не время Unix",
      "title": "Дата записана числом Excel",
      "todo": "Задайте ячейкам формат «Дата» в Excel и сохраните файл заново или примите предложенную дату.",
      "what": "«{{value}}» — так Excel хранит дату, когда у ячейки не задан формат даты (дни с 1900 года). Отправленное как есть, это число стало бы 1 января 1970 года."
    },
    "flag_normalized": {
      "meaning": "флаг приведён к 0/1",
      "title": "Значение исправлено",
      "todo": "Ничего делать не нужно — исправим при отправке.",
      "what": "Значение «{{value}}» записали в виде, который принимает Метрика."
    },
    "fractional_seconds_truncated": {
      "meaning": "доли секунды отброшены — Метрика считает время с точностью до секунды",
      "title": "Доли секунды отброшены",
      "todo": "Ничего делать не нужно — отправим целые секунды.",
      "what": "Время «{{value}}» записано с долями секунды; Метрика считает время с точностью до секунды."
    },
    "future_datetime": {
      "meaning": "дата в будущем — Метрика не принимает конверсии, которые ещё не произошли; исправьте дату или уберите строку",
      "reason": "дата «{{value}}» ещё не наступила",
      "title": "Дата в будущем",
      "todo": "Проверьте год и часовой пояс в файле или пропустите строку.",
      "what": "Дата «{{value}}» ещё не наступила — Метрика не принимает события из будущего."
    },
    "goal_name_not_identifier": {
      "meaning": "указано название цели, а нужен её идентификатор",
      "reason": "«{{value}}» — название цели, а нужен её идентификатор",
      "title": "Название цели вместо идентификатора",
      "todo": "Замените название на идентификатор или выберите одну цель для всех строк на шаге «Столбцы».",
      "what": "В столбце цели стоит название «{{value}}», а Метрика ждёт идентификатор цели."
    },
    "id_trailing_zeros": {
      "meaning": "идентификатор оканчивается нулями — так бывает и у настоящих ClientID (примерно 1 из 10 000), столбец в целом не испорчен; отправим как есть, но проверьте его",
      "title": "Номер оканчивается нулями",
      "todo": "Если сомневаетесь, сверьте номер с CRM.",
      "what": "Номер «{{value}}» оканчивается нулями. Так бывает и у настоящих номеров (примерно 1 из 10 000), а столбец в целом не испорчен — строку отправим."
    },
    "id_trimmed": {
      "meaning": "у идентификатора убраны пробелы",
      "title": "Значение исправлено",
      "todo": "Ничего делать не нужно — исправим при отправке.",
      "what": "Значение «{{value}}» записали в виде, который принимает Метрика."
    },
    "invalid_client_type": {
      "meaning": "client_type может быть только CONTACT",
      "title": "Неверный тип клиента",
      "todo": "Укажите CONTACT или COMPANY.",
      "what": "Тип клиента «{{value}}» Метрике неизвестен."
    },
    "invalid_datetime": {
      "meaning": "дата не распознана — используйте формат ДД.ММ.ГГГГ ЧЧ:ММ",
      "reason": "дата «{{value}}» не распознана или не существует",
      "title": "Несуществующая дата",
      "todo": "Исправьте дату в файле (например, 22.11.2026 14:05) или пропустите строку.",
      "what": "Дата «{{value}}» не существует или записана непонятно."
    },
    "invalid_digits_id": {
      "meaning": "идентификатор должен состоять только из цифр",
      "reason": "«{{value}}» — не номер из цифр",
      "title": "Номер не из цифр",
      "todo": "Оставьте в ячейке только цифры номера.",
      "what": "В номере «{{value}}» есть не только цифры."
    },
    "invalid_duration": {
      "meaning": "длительность должна быть целым числом секунд",
      "title": "Непонятная длительность",
      "todo": "Запишите её в секундах, например 95.",
      "what": "Длительность «{{value}}» не удалось прочитать."
    },
    "invalid_email": {
      "meaning": "e-mail записан неверно",
      "reason": "«{{value}}» не похоже на e-mail",
      "title": "Ошибка в адресе почты",
      "todo": "Исправьте адрес в файле или оставьте ячейку пустой.",
      "what": "Адрес почты «{{value}}» записан с ошибкой."
    },
    "invalid_flag": {
      "meaning": "допустимы только 0 и 1",
      "title": "Нужно 1 или 0",
      "todo": "Запишите 1 (да) или 0 (нет).",
      "what": "Значение «{{value}}» должно быть 1 или 0."
    },
    "invalid_goal_list": {
      "meaning": "список целей записан неверно (цель[:сумма] через запятую)",
      "title": "Непонятный список целей",
      "todo": "Перечислите идентификаторы целей через запятую, например offline_paid,dostavka_kurier.",
      "what": "Список целей «{{value}}» записан непонятно."
    },
    "invalid_md5": {
      "meaning": "хеш MD5 должен быть из 32 шестнадцатеричных символов",
      "title": "Не похоже на MD5",
      "todo": "Передавайте в этом столбце только готовые MD5 или выберите обычный столбец.",
      "what": "Значение «{{value}}» не похоже на MD5 (32 знака из цифр и букв a–f)."
    },
    "invalid_money": {
      "meaning": "сумма не распознана",
      "reason": "«{{value}}» не похоже на сумму",
      "title": "Непонятная сумма",
      "todo": "Запишите сумму цифрами, например 12 500,50.",
      "what": "Сумму «{{value}}» не получилось прочитать как число."
    },
    "invalid_phone": {
      "meaning": "телефон не распознан — нужен номер с кодом страны, например 79161234567",
      "reason": "«{{value}}» не похоже на телефон",
      "title": "Ошибка в телефоне",
      "todo": "Запишите номер полностью, например +7 916 123-45-67.",
      "what": "Телефон «{{value}}» слишком короткий или с лишними символами."
    },
    "invalid_product_list": {
      "meaning": "список товаров записан неверно (товар:количество через запятую)",
      "title": "Непонятный список товаров",
      "todo": "Запишите товары как артикул:количество через запятую, например SOFA-3:1,PILLOW-02:2.",
      "what": "Список товаров «{{value}}» записан непонятно."
    },
    "list_normalized": {
      "meaning": "список значений приведён к виду через запятую без пробелов",
      "title": "Значение исправлено",
      "todo": "Ничего делать не нужно — исправим при отправке.",
      "what": "Значение «{{value}}» записали в виде, который принимает Метрика."
    },
    "mapped_column_not_found": {
      "meaning": "столбца из сохранённого сопоставления нет в файле",
      "title": "Столбец пропал",
      "todo": "Вернитесь к шагу «Столбцы» и выберите столбец заново.",
      "what": "Выбранного столбца «{{column}}» нет в файле."
    },
    "md5_normalized": {
      "meaning": "хеш MD5 приведён к строчным буквам без пробелов",
      "title": "Значение исправлено",
      "todo": "Ничего делать не нужно — исправим при отправке.",
      "what": "Значение «{{value}}» записали в виде, который принимает Метрика."
    },
    "milliseconds_timestamp": {
      "meaning": "похоже на время в миллисекундах (13 цифр) — разделите на 1000",
      "reason": "«{{value}}» — время в миллисекундах, нужно в секундах",
      "title": "Время в миллисекундах",
      "todo": "Уберите три последние цифры или выгрузите время в секундах.",
      "what": "Время «{{value}}» записано в миллисекундах, а Метрика ждёт секунды."
    },
    "missing_required_column": {
      "meaning": "нет обязательного столбца — добавьте его в файл или задайте одно значение для всех строк",
      "title": "Нет обязательного столбца",
      "todo": "Вернитесь к шагу «Столбцы» и выберите столбец или одно значение для всех строк.",
      "what": "Не выбран столбец для обязательного поля «{{column}}»."
    },
    "missing_value": {
      "meaning": "пустое обязательное значение",
      "reason": "значение не заполнено",
      "title": "Пустая обязательная ячейка",
      "todo": "Заполните её в файле или пропустите строку.",
      "what": "Обязательная ячейка пустая."
    },
    "mixed_currencies": {
      "meaning": "в файле несколько валют — это допустимо",
      "title": "Несколько валют",
      "todo": "Ничего делать не нужно, если так и задумано.",
      "what": "В файле несколько валют — это допустимо."
    },
    "money_normalized": {
      "meaning": "сумма приведена к виду с точкой (12500.50)",
      "title": "Значение исправлено",
      "todo": "Ничего делать не нужно — исправим при отправке.",
      "what": "Значение «{{value}}» записали в виде, который принимает Метрика."
    },
    "negative_money": {
      "meaning": "отрицательная сумма",
      "title": "Отрицательная сумма",
      "todo": "Укажите сумму без минуса или пропустите строку.",
      "what": "Сумма «{{value}}» меньше нуля."
    },
    "no_identifier": {
      "meaning": "в строке нет ни одного идентификатора посетителя (ClientID, UserID, yclid, телефон, e-mail…)",
      "title": "Нет ClientID, телефона и почты",
      "todo": "Заполните хотя бы один из этих столбцов или пропустите строку.",
      "what": "В строке нет ни ClientID, ни телефона, ни почты — Метрика не поймёт, чья это покупка."
    },
    "no_revenue": {
      "meaning": "строки без суммы — это допустимо",
      "title": "Без суммы",
      "todo": "Если сумма известна, добавьте её в файл.",
      "what": "В строке нет суммы — Метрика засчитает цель без дохода."
    },
    "no_visitor_id": {
      "meaning": "в строке нет ни ClientID, ни UserID, ни yclid — офлайн-конверсию и звонок Метрика связывает только с ними",
      "title": "Нет ClientID, UserID и yclid",
      "todo": "Заполните хотя бы один из этих столбцов или пропустите строку.",
      "what": "В строке нет ни ClientID, ни UserID, ни yclid — офлайн-конверсию Метрика связывает только с ними."
    },
    "note_row_skipped": {
      "meaning": "строка с примечанием, а не данными — пропускаем",
      "title": "Примечание пропущено",
      "todo": "Ничего делать не нужно.",
      "what": "Строка «{{value}}» — примечание, а не данные. Мы её не отправим."
    },
    "nul_byte": {
      "meaning": "в строке нулевые байты (двоичные данные) — файл повреждён или это не таблица",
      "title": "Двоичные данные в строке",
      "todo": "Откройте файл в Excel и сохраните заново как CSV или выгрузите его из программы ещё раз.",
      "what": "В строке есть нулевые байты — так выглядят повреждённые файлы или не текст."
    },
    "only_hashed_identifiers": {
      "meaning": "у строки только хешированные идентификаторы",
      "title": "Только зашифрованные данные",
      "todo": "Если есть ClientID, добавьте его.",
      "what": "В строке только MD5 телефона или почты — найти посетителя будет сложнее."
    },
    "outside_linking_window": {
      "meaning": "конверсия старше окна привязки (21 день) — скорее всего, не свяжется с визитом",
      "title": "Событие старше 21 дня",
      "todo": "Строку отправим. Чтобы связывалось лучше, отправляйте данные чаще.",
      "what": "Событие «{{value}}» было больше 21 дня назад — Метрика может не связать его с визитом."
    },
    "phone_normalized": {
      "meaning": "телефон приведён к виду 7XXXXXXXXXX",
      "title": "Значение исправлено",
      "todo": "Ничего делать не нужно — исправим при отправке.",
      "what": "Значение «{{value}}» записали в виде, который принимает Метрика."
    },
    "static_call": {
      "meaning": "статический звонок — в отчётах будет, но с визитом не свяжется",
      "title": "Звонок на статический номер",
      "todo": "Ничего делать не нужно.",
      "what": "Звонок на статический номер не свяжется с визитом, но попадёт в отчёты по звонкам."
    },
    "status_case": {
      "meaning": "статус приведён к заглавным буквам",
      "title": "Значение исправлено",
      "todo": "Ничего делать не нужно — исправим при отправке.",
      "what": "Значение «{{value}}» записали в виде, который принимает Метрика."
    },
    "status_goal_unverified": {
      "meaning": "статус — идентификатор цели; проверьте, что такая цель-JavaScript-событие есть на счётчике",
      "title": "Цель статуса не проверена",
      "todo": "Проверьте цели в счётчике.",
      "what": "Не удалось проверить, что цель для статуса «{{value}}» есть в счётчике."
    },
    "status_mapped": {
      "meaning": "статус CRM заменён по сопоставлению",
      "title": "Значение исправлено",
      "todo": "Ничего делать не нужно — исправим при отправке.",
      "what": "Значение «{{value}}» записали в виде, который принимает Метрика."
    },
    "status_mapping_unverified": {
      "meaning": "статус должен быть сопоставлен на счётчике до загрузки заказов",
      "title": "Статус не проверен",
      "todo": "Проверьте статусы заказов в настройках счётчика.",
      "what": "Не удалось проверить, что статус «{{value}}» настроен в счётчике."
    },
    "stray_quote": {
      "meaning": "лишняя кавычка внутри значения — уберите её или возьмите всё значение в кавычки",
      "title": "Лишняя кавычка",
      "todo": "Удалите кавычку или возьмите всё значение в кавычки.",
      "what": "Лишняя кавычка внутри значения «{{value}}»."
    },
    "summary_row_skipped": {
      "meaning": "строка итогов («Итого», «Всего», «Total») — не заказ, пропускаем",
      "title": "Строка итогов пропущена",
      "todo": "Ничего делать не нужно.",
      "what": "Строка «{{value}}» — это итоги, а не заказ. Мы её не отправим."
    },
    "target_not_identifier": {
      "meaning": "в Target указано не то, что ожидает Метрика — нужен идентификатор цели-JavaScript-события",
      "title": "Название цели вместо идентификатора",
      "todo": "Замените название на идентификатор или выберите одну цель для всех строк на шаге «Столбцы».",
      "what": "В столбце цели стоит название «{{value}}», а Метрика ждёт идентификатор цели."
    },
    "too_few_fields": {
      "meaning": "в строке меньше значений, чем столбцов в заголовке — возможно, строку разорвал перенос внутри ячейки",
      "reason": "строка кончается после «{{value}}» — в ней меньше значений, чем столбцов в заголовке",
      "title": "Не хватает ячеек в строке",
      "todo": "Проверьте в файле эту строку и следующую: уберите перенос внутри ячейки или возьмите значение в кавычки.",
      "what": "Строка кончается после «{{value}}»: в ней меньше ячеек, чем столбцов в заголовке, и этот столбец остался пустым. Так бывает, когда внутри ячейки (чаще в комментарии) перенос строки без кавычек — и строка разорвалась на две."
    },
    "too_many_fields": {
      "meaning": "в строке больше значений, чем столбцов в заголовке — проверьте разделитель",
      "title": "Лишние ячейки в строке",
      "todo": "Проверьте разделитель на шаге «Файл» или возьмите значение в кавычки.",
      "what": "В строке больше ячеек, чем столбцов в заголовке — возможно, разделитель внутри значения."
    },
    "unclosed_quote": {
      "meaning": "кавычка открыта и не закрыта — строки не склеены, исправьте кавычки в файле",
      "title": "Незакрытая кавычка",
      "todo": "Откройте файл в текстовом редакторе и закройте или удалите кавычку.",
      "what": "Кавычка открыта и не закрыта: строку не взяли, чтобы не склеить её со следующей."
    },
    "unknown_currency": {
      "meaning": "неизвестный код валюты — Метрика молча потеряет сумму; укажите код ISO 4217 (RUB, USD, EUR…)",
      "reason": "валюта «{{value}}» неизвестна",
      "title": "Неизвестная валюта",
      "todo": "Укажите код валюты из трёх латинских букв: RUB, USD, EUR, KZT.",
      "what": "Валюта «{{value}}» Метрике неизвестна — сумма из этой строки потерялась бы молча."
    },
    "unknown_goal": {
      "meaning": "такой цели нет на счётчике — конверсия не засчитается",
      "title": "Нет такой цели",
      "todo": "Создайте цель с таким идентификатором в Метрике или выберите другую на шаге «Столбцы».",
      "what": "Цели «{{value}}» нет в этом счётчике."
    },
    "unknown_status": {
      "meaning": "статус не из списка Метрики — сопоставьте статусы CRM со статусами Метрики",
      "reason": "статус «{{value}}» неизвестен Метрике",
      "title": "Статус без типа",
      "todo": "Вернитесь к шагу «Статусы» и выберите тип для этого значения.",
      "what": "Для статуса «{{value}}» не выбран тип Метрики."
    },
    "unmapped_status": {
      "meaning": "статус CRM не сопоставлен — укажите, какому статусу Метрики он соответствует",
      "reason": "статусу «{{value}}» не сопоставлен статус Метрики",
      "title": "Статус без типа",
      "todo": "Вернитесь к шагу «Статусы» и выберите тип для этого значения.",
      "what": "Для статуса «{{value}}» не выбран тип Метрики."
    },
    "user_id_needs_set_user_id": {
      "meaning": "UserID свяжется, только если сайт передавал его через setUserID",
      "title": "UserID работает не везде",
      "todo": "Уточните у разработчика сайта или используйте ClientID.",
      "what": "UserID свяжется, только если сайт передаёт его в Метрику (setUserID)."
    }
  },
  "notify": {
    "accepted_few": "«{{file}}»: Метрика приняла {{count, number}} строки. Счётчик {{counter}}",
    "accepted_many": "«{{file}}»: Метрика приняла {{count, number}} строк. Счётчик {{counter}}",
    "accepted_one": "«{{file}}»: Метрика приняла {{count, number}} строку. Счётчик {{counter}}",
    "accepted_other": "«{{file}}»: Метрика приняла {{count, number}} строки. Счётчик {{counter}}",
    "failed": "Загрузка не прошла",
    "failed_body": "«{{file}}», счётчик {{counter}}. {{message}}",
    "follow_stopped": "Вход в Яндекс устарел, а окно закрыто. Откройте программу и войдите снова — она узнает, чем закончились загрузки.",
    "follow_stopped_title": "Metrika Bridge больше не следит за загрузками",
    "job_failed": "Задание «{{job}}» не сработало",
    "job_overdue": "Задание «{{job}}» давно не отправляло новых данных",
    "linkage_failure": "Метрика не связала строки",
    "linked_few": "«{{file}}»: связано {{linked, number}} из {{count, number}} строк. Счётчик {{counter}}",
    "linked_many": "«{{file}}»: связано {{linked, number}} из {{count, number}} строк. Счётчик {{counter}}",
    "linked_one": "«{{file}}»: связано {{linked, number}} из {{count, number}} строки. Счётчик {{counter}}",
    "linked_other": "«{{file}}»: связано {{linked, number}} из {{count, number}} строки. Счётчик {{counter}}",
    "linked_share_drop": "Доля связанных упала до {{percent}} %",
    "needs_look": "Нужно посмотреть: {{counter}}",
    "processed": "Загрузка обработана",
    "window_closing_few": "Файл задания «{{job}}» не отправлен: через {{count, number}} дня Метрика перестанет связывать эти данные",
    "window_closing_many": "Файл задания «{{job}}» не отправлен: через {{count, number}} дней Метрика перестанет связывать эти данные",
    "window_closing_one": "Файл задания «{{job}}» не отправлен: через {{count, number}} день Метрика перестанет связывать эти данные",
    "window_closing_other": "Файл задания «{{job}}» не отправлен: через {{count, number}} дня Метрика перестанет связывать эти данные",
    "window_closing_zero": "Файл задания «{{job}}» не отправлен: сегодня последний день, когда Метрика свяжет эти данные"
  },
  "reason": {
    "cancelled": "Отправка отменена.",
    "linking_window": "Счётчик ещё не принимает офлайн-конверсии: загрузка откроется {{date}}. Отправьте заново в этот день.",
    "network": "Нет связи с Метрикой — файл до неё не дошёл. Его можно отправить заново.",
    "no_access": "Нет прав на загрузку в этот счётчик.",
    "not_found": "Метрика не нашла счётчик.",
    "not_sent": "Эта часть файла не отправлялась: до неё не ушла предыдущая. До Метрики она не дошла — её можно отправить заново.",
    "quota_busy": "Метрика попросила подождать: слишком много запросов подряд. Отправьте заново через несколько минут.",
    "quota_exceeded": "Исчерпана квота запросов Метрики. Отправьте заново после 03:00 по Москве.",
    "server_error": "Сервер Метрики ответил ошибкой {{status}}. Отправьте заново чуть позже.",
    "sign_in_needed": "Вход в Яндекс устарел — войдите снова и отправьте заново.",
    "unexpected": "Метрика ответила так, что программа не поняла ответа. Отправьте заново чуть позже; если повторится — подробности в журнале."
  },
  "send": {
    "partFailed": "часть {{n}} не ушла",
    "partInterrupted": "отправка части {{n}} прервана — Метрика могла её не получить",
    "partRejected": "часть {{n}} Метрика не приняла",
    "partial_few": "Отправлено {{count, number}} части из {{total, number}}; {{stopped}}",
    "partial_many": "Отправлено {{count, number}} частей из {{total, number}}; {{stopped}}",
    "partial_one": "Отправлена {{count, number}} часть из {{total, number}}; {{stopped}}",
    "partial_other": "Отправлено {{count, number}} части из {{total, number}}; {{stopped}}",
    "partial_zero": "Не отправлено ни одной части из {{total, number}}; {{stopped}}",
    "reviewAll_few": "Отправим {{count, number}} строки",
    "reviewAll_many": "Отправим {{count, number}} строк",
    "reviewAll_one": "Отправим {{count, number}} строку",
    "reviewAll_other": "Отправим {{count, number}} строки",
    "reviewNew_few": "Отправим {{count, number}} новые строки из {{total, number}}",
    "reviewNew_many": "Отправим {{count, number}} новых строк из {{total, number}}",
    "reviewNew_one": "Отправим {{count, number}} новую строку из {{total, number}}",
    "reviewNew_other": "Отправим {{count, number}} новой строки из {{total, number}}"
  },
  "severity": {
    "error": "Ошибка",
    "notice": "Замечание",
    "warning": "Предупреждение"
  },
  "stages": {
    "done": "Готово",
    "downloading": "Скачиваем обновление",
    "installing": "Устанавливаем обновление",
    "reading": "Читаем файл",
    "uploading": "Отправляем в Метрику",
    "validating": "Проверяем строки",
    "waiting": "Ждём ответа Метрики",
    "writing": "Готовим файл для Метрики"
  },
  "states": {
    "failed": "Ошибка",
    "interrupted": "Прервана",
    "linkage_failure": "Не связалась",
    "prepared": "Подготовлена",
    "processed": "Готово",
    "processing": "Обрабатывается",
    "rejected": "Отклонена",
    "sending": "Отправляется",
    "sent": "Отправлена",
    "superseded": "Заменена"
  }
};

export const en: Catalogue = {
  "advice": {
    "check_goal_identifiers": "Check the goal identifiers (JavaScript event) in the counter.",
    "check_identifiers_and_window": "Check that the site sends ClientID to this counter and that events are not older than 21 days.",
    "fix_file_and_upload_again": "Fix the file and upload it again.",
    "reconcile_then_resend": "Press “Send again”: we first check whether the file arrived, so nothing is duplicated.",
    "resend": "Press “Send again” — nothing reached Metrica, so nothing will be duplicated.",
    "review_rejected_rows": "Open the rejected-rows file, fix the rows and upload again.",
    "see_newer_upload": "See the newer upload in the list.",
    "server_dropped_invalid_rows": "Metrica silently leaves out a row whose required value (identifier, goal, date) is missing or invalid by its rules — for example a date still in the future by its clock. The other rows were kept; there is no need to send them again.",
    "wait_for_processing": "It usually takes up to two hours. Press “Refresh status” later."
  },
  "common": {
    "rows_few": "{{count, number}} rows",
    "rows_many": "{{count, number}} rows",
    "rows_one": "{{count, number}} row",
    "rows_other": "{{count, number}} rows"
  },
  "explain": {
    "crm_accepted": "Accepted by Metrica: {{rows}}.",
    "failed": "Sending failed: the file was not stored in Metrica.",
    "goals_not_found": "Goal not found: {{rows}}.",
    "interrupted": "Sending was interrupted (network lost or the app closed); it is unknown whether the file arrived.",
    "linkage_failure": "No row was linked to visits.",
    "linked": "Linked to visits: {{rows}}.",
    "not_sent": "The file is prepared but not sent yet.",
    "processing": "Metrica is processing the file.",
    "rejected": "Metrica rejected the whole file.",
    "rows_dropped_by_server": "Dropped by Metrica’s own checks: {{rows}}.",
    "rows_kept_by_server": "Metrica kept from the file: {{rows}}.",
    "rows_rejected_locally": "Not sent because of errors in the file: {{rows}}.",
    "sending": "The file is being sent.",
    "static_calls": "Calls to a static number: {{rows}}. They are not linked to visits but appear in call reports.",
    "stopped_by_user": "You stopped the send while the file was on its way to Metrica; it is unknown whether it arrived.",
    "superseded": "A newer upload replaced this one.",
    "users_not_found": "Visitors not found: {{rows}}. There were no site visits with these ClientIDs, phones or e-mails in the 21 days before — normal for buyers who did not come from the site."
  },
  "file_reason": {
    "bad_delimiter": "this delimiter does not fit",
    "damaged_workbook": "the workbook is damaged",
    "empty": "the file is empty",
    "io": "the file is busy in another program or the disk is unavailable: close it elsewhere and retry",
    "line_too_long": "line {{line}} is too long (over 64 MB): not a table, or the file is damaged",
    "no_header": "no header row found",
    "not_a_folder": "not a folder",
    "not_found": "file not found",
    "not_regular_file": "not a regular file (a folder, pipe, socket or device): choose a data file",
    "not_text": "not a table (CSV or Excel)",
    "permission_denied": "no permission to read",
    "sheet_not_found": "no such sheet",
    "unknown_encoding": "unknown encoding",
    "workbook_too_large": "the workbook is too large to read safely (over 1.5 million cells, 48 MB of text or a file over 64 MB, 32 MB for .xls): save the sheet as CSV"
  },
  "issues": {
    "all_static_calls": {
      "meaning": "all calls are static — the upload will end as LINKAGE_FAILURE",
      "title": "All calls static",
      "todo": "Check that you exported calls to tracking numbers.",
      "what": "Every call in the file went to a static number: none will be linked to a visit."
    },
    "attribute_not_on_counter": {
      "meaning": "the counter has no such contact attribute — create it (Metrica → CRM → Attributes, or in this app) or do not send this column",
      "title": "No such attribute on the counter",
      "todo": "On the Columns step create the attribute or choose “Do not send”.",
      "what": "Column “{{column}}” is mapped to the contact attribute “{{value}}”, which the counter does not have."
    },
    "bad_encoding": {
      "meaning": "bytes do not decode in the chosen encoding — pick another encoding",
      "title": "Wrong encoding",
      "todo": "Change the encoding in “File” (usually windows-1251 or UTF-8).",
      "what": "Part of the text cannot be read in the chosen encoding."
    },
    "client_type_case": {
      "meaning": "client_type normalised to CONTACT",
      "title": "Value fixed",
      "todo": "Nothing to do — we fix it when sending.",
      "what": "The value “{{value}}” was rewritten in the form Metrica accepts."
    },
    "currency_lowercase": {
      "meaning": "currency code upper-cased",
      "title": "Currency in lower case",
      "todo": "We fix this ourselves; nothing to do.",
      "what": "The currency code “{{value}}” is in lower case."
    },
    "currency_trimmed": {
      "meaning": "spaces trimmed from the currency code",
      "title": "Value fixed",
      "todo": "Nothing to do — we fix it when sending.",
      "what": "The value “{{value}}” was rewritten in the form Metrica accepts."
    },
    "date_only": {
      "meaning": "date without time — Metrica looks for visits up to 23:59 that day",
      "title": "Date without time",
      "todo": "If the time is known, add it.",
      "what": "The date “{{value}}” has no time — Metrica searches visits until 23:59 that day."
    },
    "datetime_before_1970": {
      "meaning": "date before 1970 — Metrica does not accept it",
      "reason": "date «{{value}}» is before 1970",
      "title": "Date before 1970",
      "todo": "Enter the real date or skip the row.",
      "what": "The date “{{value}}” is before 1970 — the cell was probably empty and a program filled in a default."
    },
    "datetime_converted": {
      "meaning": "date converted to Unix time in the counter's time zone",
      "title": "Value fixed",
      "todo": "Nothing to do — we fix it when sending.",
      "what": "The value “{{value}}” was rewritten in the form Metrica accepts."
    },
    "datetime_normalized": {
      "meaning": "date normalised to an accepted format",
      "title": "Value fixed",
      "todo": "Nothing to do — we fix it when sending.",
      "what": "The value “{{value}}” was rewritten in the form Metrica accepts."
    },
    "datetime_offset_converted": {
      "meaning": "date with an offset converted to the counter's time zone",
      "title": "Value fixed",
      "todo": "Nothing to do — we fix it when sending.",
      "what": "The value “{{value}}” was rewritten in the form Metrica accepts."
    },
    "datetime_reformatted": {
      "meaning": "date reformatted to a format Metrica accepts",
      "title": "Value fixed",
      "todo": "Nothing to do — we fix it when sending.",
      "what": "The value “{{value}}” was rewritten in the form Metrica accepts."
    },
    "datetime_too_old": {
      "meaning": "date before 2000 — the cell does not look like the time of the event",
      "reason": "«{{value}}» is a date before 2000, not the time of the event",
      "title": "Date before 2000",
      "todo": "Enter the real date and time of the event or skip the row.",
      "what": "The time “{{value}}” is a date before 2000. The cell probably holds a small number (a number, a zero or some other value), not the time of the event."
    },
    "duplicate_call": {
      "meaning": "duplicate call in the file",
      "title": "Repeated row",
      "todo": "We send it once. If these are different orders, check the numbers.",
      "what": "This row repeats another row of the file (“{{value}}”)."
    },
    "duplicate_check_failed": {
      "meaning": "duplicates were not checked: the check's temporary file could not be written",
      "title": "Repeats not checked",
      "todo": "Free some disk space and check the file again.",
      "what": "The temporary file of the repeat check could not be written, so repeated rows were not looked for."
    },
    "duplicate_check_limited": {
      "meaning": "very large file: duplicates were not checked in every row",
      "title": "Duplicates not checked everywhere",
      "todo": "Nothing to do. If it matters, split the file into smaller parts.",
      "what": "The file is very large: repeated rows were not looked for in every row."
    },
    "duplicate_contact_id": {
      "meaning": "duplicate contact id in the file",
      "title": "Repeated row",
      "todo": "We send it once. If these are different orders, check the numbers.",
      "what": "This row repeats another row of the file (“{{value}}”)."
    },
    "duplicate_conversion": {
      "meaning": "duplicate of a conversion earlier in the file",
      "title": "Repeated row",
      "todo": "We send it once. If these are different orders, check the numbers.",
      "what": "This row repeats another row of the file (“{{value}}”)."
    },
    "duplicate_order_id": {
      "meaning": "duplicate order id — Metrica applies such rows in random order",
      "title": "Repeated row",
      "todo": "We send it once. If these are different orders, check the numbers.",
      "what": "This row repeats another row of the file (“{{value}}”)."
    },
    "duration_normalized": {
      "meaning": "duration normalised to seconds",
      "title": "Value fixed",
      "todo": "Nothing to do — we fix it when sending.",
      "what": "The value “{{value}}” was rewritten in the form Metrica accepts."
    },
    "email_normalized": {
      "meaning": "e-mail lower-cased and trimmed",
      "title": "Value fixed",
      "todo": "Nothing to do — we fix it when sending.",
      "what": "The value “{{value}}” was rewritten in the form Metrica accepts."
    },
    "empty_file": {
      "meaning": "the file has no data",
      "title": "Empty file",
      "todo": "Check that you exported the right file and sheet.",
      "what": "The file has no data rows."
    },
    "empty_order_id": {
      "meaning": "the order number is empty — Metrica links the order by date only, and a later upload adds it again instead of updating it",
      "title": "Empty order number",
      "todo": "Enter the order number from your CRM, or leave it if there is none.",
      "what": "The order number is empty. Metrica links the order by date only, and the next upload adds it again instead of updating it."
    },
    "excel_damaged_column": {
      "meaning": "the column was damaged by Excel (long numbers rounded) and its first such rows were already taken as valid — export the file again with the column formatted as Text",
      "title": "Column damaged by Excel",
      "todo": "Export the file again without opening it in Excel, or format the column as Text.",
      "what": "Too many numbers in this column end in zeros ({{value}}) — that is how Excel rounds long numbers. Its first such rows were already taken as valid, so the file cannot be sent."
    },
    "excel_number_id": {
      "meaning": "identifier stored as an Excel number — check no digits were lost",
      "title": "Number damaged by Excel",
      "todo": "Export the file again without opening it in Excel, or give the column a text format.",
      "what": "Excel stored the number “{{value}}” as a number — leading zeros or last digits may be lost."
    },
    "excel_rounded_id": {
      "meaning": "identifier rounded by Excel: too many IDs in this column end in zeros after the 15th digit, which is what Excel does to long numbers — export again with the column formatted as Text",
      "reason": "number «{{value}}» was rounded by Excel (too many numbers in the column end in zeros)",
      "title": "Number rounded by Excel",
      "todo": "Export the file again without opening it in Excel.",
      "what": "Excel rounded the number “{{value}}”: too many numbers in this column end in zeros, which is what Excel does to long numbers."
    },
    "excel_scientific_id": {
      "meaning": "identifier damaged by Excel (scientific notation) — digits are lost; export again with the column formatted as Text",
      "reason": "number «{{value}}» was damaged by Excel (written as 1.23E+18)",
      "title": "Number damaged by Excel",
      "todo": "Export the file again without opening it in Excel, or give the column a text format.",
      "what": "The number “{{value}}” was damaged by Excel: it became 1.7E+18 and the last digits are lost."
    },
    "excel_serial_date": {
      "meaning": "date written as an Excel serial number (days since 1900), not Unix time",
      "reason": "«{{value}}» is a date as an Excel number, not Unix time",
      "title": "Date written as an Excel number",
      "todo": "Give the cells the “Date” format in Excel and save the file again, or accept the suggested date.",
      "what": "“{{value}}” is how Excel stores a date when the cell has no date format (days since 1900). Sent as is, it would become 1 January 1970."
    },
    "flag_normalized": {
      "meaning": "flag normalised to 0/1",
      "title": "Value fixed",
      "todo": "Nothing to do — we fix it when sending.",
      "what": "The value “{{value}}” was rewritten in the form Metrica accepts."
    },
    "fractional_seconds_truncated": {
      "meaning": "fraction of a second dropped — Metrica counts time in whole seconds",
      "title": "Fraction of a second dropped",
      "todo": "Nothing to do — we send whole seconds.",
      "what": "The time “{{value}}” has a fraction of a second; Metrica counts time in whole seconds."
    },
    "future_datetime": {
      "meaning": "date is in the future — Metrica refuses conversions that have not happened yet; fix the date or drop the row",
      "reason": "date «{{value}}» is in the future",
      "title": "Date in the future",
      "todo": "Check the year and time zone in the file or skip the row.",
      "what": "The date “{{value}}” is in the future — Metrica does not accept future events."
    },
    "goal_name_not_identifier": {
      "meaning": "a goal name was given where its identifier is needed",
      "reason": "«{{value}}» is a goal name; its identifier is needed",
      "title": "Goal name instead of identifier",
      "todo": "Replace the name with the identifier or choose one goal for all rows in “Columns”.",
      "what": "The goal column holds the name “{{value}}”, but Metrica expects a goal identifier."
    },
    "id_trailing_zeros": {
      "meaning": "identifier ends in zeros — genuine ClientIDs do this about once in 10,000 and the column as a whole is not damaged; it is sent as is, but check it",
      "title": "Number ends in zeros",
      "todo": "If in doubt, check the number in your CRM.",
      "what": "The number “{{value}}” ends in zeros. Genuine numbers do this about once in 10,000 and the column as a whole is fine, so the row is sent."
    },
    "id_trimmed": {
      "meaning": "spaces trimmed from the identifier",
      "title": "Value fixed",
      "todo": "Nothing to do — we fix it when sending.",
      "what": "The value “{{value}}” was rewritten in the form Metrica accepts."
    },
    "invalid_client_type": {
      "meaning": "client_type can only be CONTACT",
      "title": "Invalid customer type",
      "todo": "Use CONTACT or COMPANY.",
      "what": "Metrica does not know the customer type “{{value}}”."
    },
    "invalid_datetime": {
      "meaning": "the date is not recognised — use DD.MM.YYYY HH:MM",
      "reason": "date «{{value}}» is not recognised or does not exist",
      "title": "Invalid date",
      "todo": "Fix the date in the file (for example 22.11.2026 14:05) or skip the row.",
      "what": "The date “{{value}}” does not exist or is written unclearly."
    },
    "invalid_digits_id": {
      "meaning": "the identifier must be digits only",
      "reason": "«{{value}}» is not a number made of digits",
      "title": "Number with non-digits",
      "todo": "Keep only the digits in the cell.",
      "what": "The number “{{value}}” contains more than digits."
    },
    "invalid_duration": {
      "meaning": "duration must be whole seconds",
      "title": "Unreadable duration",
      "todo": "Write it in seconds, e.g. 95.",
      "what": "The duration “{{value}}” could not be read."
    },
    "invalid_email": {
      "meaning": "the e-mail is malformed",
      "reason": "«{{value}}» does not look like an e-mail",
      "title": "Malformed e-mail",
      "todo": "Fix the address in the file or leave the cell empty.",
      "what": "The e-mail address “{{value}}” is malformed."
    },
    "invalid_flag": {
      "meaning": "only 0 and 1 are allowed",
      "title": "Must be 1 or 0",
      "todo": "Write 1 (yes) or 0 (no).",
      "what": "“{{value}}” must be 1 or 0."
    },
    "invalid_goal_list": {
      "meaning": "goal list malformed (goal[:revenue] comma-separated)",
      "title": "Unreadable goal list",
      "todo": "List goal identifiers separated by commas, e.g. offline_paid,dostavka_kurier.",
      "what": "The goal list “{{value}}” is unclear."
    },
    "invalid_md5": {
      "meaning": "an MD5 hash must be 32 hexadecimal characters",
      "title": "Not an MD5",
      "todo": "Put only ready MD5 values in this column or choose a plain column.",
      "what": "“{{value}}” does not look like an MD5 (32 characters of digits and a–f)."
    },
    "invalid_money": {
      "meaning": "the amount is not recognised",
      "reason": "«{{value}}» does not look like an amount",
      "title": "Unreadable amount",
      "todo": "Write the amount in digits, e.g. 12,500.50.",
      "what": "The amount “{{value}}” could not be read as a number."
    },
    "invalid_phone": {
      "meaning": "the phone is not recognised — give it with the country code, e.g. 79161234567",
      "reason": "«{{value}}» does not look like a phone number",
      "title": "Malformed phone",
      "todo": "Write the full number, for example +7 916 123-45-67.",
      "what": "The phone “{{value}}” is too short or has extra characters."
    },
    "invalid_product_list": {
      "meaning": "product list malformed (product:quantity comma-separated)",
      "title": "Unreadable product list",
      "todo": "Write products as sku:quantity separated by commas, e.g. SOFA-3:1,PILLOW-02:2.",
      "what": "The product list “{{value}}” is unclear."
    },
    "list_normalized": {
      "meaning": "list normalised to comma-separated without spaces",
      "title": "Value fixed",
      "todo": "Nothing to do — we fix it when sending.",
      "what": "The value “{{value}}” was rewritten in the form Metrica accepts."
    },
    "mapped_column_not_found": {
      "meaning": "a column of the saved mapping is not in the file",
      "title": "Column missing",
      "todo": "Go back to “Columns” and choose the column again.",
      "what": "The chosen column “{{column}}” is not in the file."
    },
    "md5_normalized": {
      "meaning": "MD5 hash lower-cased and trimmed",
      "title": "Value fixed",
      "todo": "Nothing to do — we fix it when sending.",
      "what": "The value “{{value}}” was rewritten in the form Metrica accepts."
    },
    "milliseconds_timestamp": {
      "meaning": "looks like milliseconds (13 digits) — divide by 1000",
      "reason": "«{{value}}» is a time in milliseconds; seconds are needed",
      "title": "Time in milliseconds",
      "todo": "Remove the last three digits or export the time in seconds.",
      "what": "The time “{{value}}” is in milliseconds, but Metrica expects seconds."
    },
    "missing_required_column": {
      "meaning": "a required column is missing — add it to the file or set one value for all rows",
      "title": "Required column missing",
      "todo": "Go back to “Columns” and choose a column or one value for all rows.",
      "what": "No column is chosen for the required field “{{column}}”."
    },
    "missing_value": {
      "meaning": "a required value is empty",
      "reason": "the value is empty",
      "title": "Empty required cell",
      "todo": "Fill it in the file or skip the row.",
      "what": "A required cell is empty."
    },
    "mixed_currencies": {
      "meaning": "several currencies in one file — allowed",
      "title": "Several currencies",
      "todo": "Nothing to do if that is intended.",
      "what": "The file has several currencies — that is allowed."
    },
    "money_normalized": {
      "meaning": "amount normalised with a dot (12500.50)",
      "title": "Value fixed",
      "todo": "Nothing to do — we fix it when sending.",
      "what": "The value “{{value}}” was rewritten in the form Metrica accepts."
    },
    "negative_money": {
      "meaning": "negative amount",
      "title": "Negative amount",
      "todo": "Give the amount without the minus or skip the row.",
      "what": "The amount “{{value}}” is below zero."
    },
    "no_identifier": {
      "meaning": "the row has no visitor identifier (ClientID, UserID, yclid, phone, e-mail…)",
      "title": "No ClientID, phone or e-mail",
      "todo": "Fill in at least one of these columns or skip the row.",
      "what": "The row has no ClientID, phone or e-mail — Metrica cannot tell whose purchase it is."
    },
    "no_revenue": {
      "meaning": "rows without revenue — allowed",
      "title": "No amount",
      "todo": "If the amount is known, add it to the file.",
      "what": "The row has no amount — Metrica counts the goal without revenue."
    },
    "no_visitor_id": {
      "meaning": "the row has no ClientID, UserID or yclid — Metrica links offline conversions and calls by these only",
      "title": "No ClientID, UserID or yclid",
      "todo": "Fill in at least one of these columns or skip the row.",
      "what": "The row has no ClientID, UserID or yclid — Metrica links offline conversions by these only."
    },
    "note_row_skipped": {
      "meaning": "a note line, not data — skipped",
      "title": "Note skipped",
      "todo": "Nothing to do.",
      "what": "The row “{{value}}” is a note, not data. We will not send it."
    },
    "nul_byte": {
      "meaning": "NUL bytes (binary data) in the line — the file is damaged or not a table",
      "title": "Binary data in a row",
      "todo": "Open the file in Excel and save it again as CSV, or export it from the program once more.",
      "what": "The row holds NUL bytes — a damaged file or not text."
    },
    "only_hashed_identifiers": {
      "meaning": "the row has hashed identifiers only",
      "title": "Only hashed identifiers",
      "todo": "If a ClientID is known, add it.",
      "what": "The row has only MD5 of a phone or e-mail — finding the visitor is harder."
    },
    "outside_linking_window": {
      "meaning": "older than the linking window (21 days) — it will most likely not link to a visit",
      "title": "Event older than 21 days",
      "todo": "We will send the row. Send data more often for better linking.",
      "what": "The event “{{value}}” happened more than 21 days ago — Metrica may not link it to a visit."
    },
    "phone_normalized": {
      "meaning": "phone normalised to 7XXXXXXXXXX",
      "title": "Value fixed",
      "todo": "Nothing to do — we fix it when sending.",
      "what": "The value “{{value}}” was rewritten in the form Metrica accepts."
    },
    "static_call": {
      "meaning": "static call — it shows in reports but never links to a visit",
      "title": "Call to a static number",
      "todo": "Nothing to do.",
      "what": "A call to a static number is not linked to a visit but appears in call reports."
    },
    "status_case": {
      "meaning": "status upper-cased",
      "title": "Value fixed",
      "todo": "Nothing to do — we fix it when sending.",
      "what": "The value “{{value}}” was rewritten in the form Metrica accepts."
    },
    "status_goal_unverified": {
      "meaning": "status is a goal identifier; make sure the counter has such a JavaScript-event goal",
      "title": "Status goal unchecked",
      "todo": "Check the goals in the counter.",
      "what": "We could not check that the goal for the status “{{value}}” exists in the counter."
    },
    "status_mapped": {
      "meaning": "CRM status replaced by the mapping",
      "title": "Value fixed",
      "todo": "Nothing to do — we fix it when sending.",
      "what": "The value “{{value}}” was rewritten in the form Metrica accepts."
    },
    "status_mapping_unverified": {
      "meaning": "the status must be mapped on the counter before orders are uploaded",
      "title": "Status unchecked",
      "todo": "Check the order statuses in the counter settings.",
      "what": "We could not check that the status “{{value}}” is set up in the counter."
    },
    "stray_quote": {
      "meaning": "a stray quote inside a value — remove it or quote the whole value",
      "title": "Stray quote",
      "todo": "Remove the quote or put the whole value in quotes.",
      "what": "A stray quote inside the value “{{value}}”."
    },
    "summary_row_skipped": {
      "meaning": "a totals row («Итого», «Всего», «Total») — not data, skipped",
      "title": "Totals row skipped",
      "todo": "Nothing to do.",
      "what": "The row “{{value}}” holds totals, not an order. We will not send it."
    },
    "target_not_identifier": {
      "meaning": "Target is not a goal identifier — Metrica needs a JavaScript-event goal identifier",
      "title": "Goal name instead of identifier",
      "todo": "Replace the name with the identifier or choose one goal for all rows in “Columns”.",
      "what": "The goal column holds the name “{{value}}”, but Metrica expects a goal identifier."
    },
    "too_few_fields": {
      "meaning": "fewer values than header columns — a line break inside a cell may have split the row",
      "reason": "the row ends after «{{value}}» — fewer values than header columns",
      "title": "Missing cells in a row",
      "todo": "Check this row and the next one in the file: remove the line break inside the cell or quote the value.",
      "what": "The row ends after “{{value}}”: it has fewer cells than the header has columns, and this column was left empty. This happens when a cell (usually a comment) holds a line break without quotes, splitting the row in two."
    },
    "too_many_fields": {
      "meaning": "more values than header columns — check the delimiter",
      "title": "Extra cells in a row",
      "todo": "Check the delimiter in “File” or quote the value.",
      "what": "The row has more cells than the header has columns — maybe a delimiter inside a value."
    },
    "unclosed_quote": {
      "meaning": "a quote is opened and never closed — rows were not merged; fix the quotes in the file",
      "title": "Unclosed quote",
      "todo": "Open the file in a text editor and close or remove the quote.",
      "what": "A quote is opened and not closed: the row was not taken, so as not to glue it to the next one."
    },
    "unknown_currency": {
      "meaning": "unknown currency code — Metrica would silently drop the amount; use an ISO 4217 code (RUB, USD, EUR…)",
      "reason": "currency «{{value}}» is unknown",
      "title": "Unknown currency",
      "todo": "Use a three-letter currency code: RUB, USD, EUR, KZT.",
      "what": "Metrica does not know the currency “{{value}}” — the amount of this row would be silently lost."
    },
    "unknown_goal": {
      "meaning": "the counter has no such goal — the conversion will not count",
      "title": "No such goal",
      "todo": "Create a goal with this identifier in Metrica or choose another one in “Columns”.",
      "what": "The counter has no goal “{{value}}”."
    },
    "unknown_status": {
      "meaning": "status not known to Metrica — map your CRM statuses to Metrica's",
      "reason": "status «{{value}}» is unknown to Metrica",
      "title": "Status without a type",
      "todo": "Go back to “Statuses” and choose a type for this value.",
      "what": "No Metrica type is chosen for the status “{{value}}”."
    },
    "unmapped_status": {
      "meaning": "CRM status not mapped — say which Metrica status it means",
      "reason": "status «{{value}}» is not matched to a Metrica status",
      "title": "Status without a type",
      "todo": "Go back to “Statuses” and choose a type for this value.",
      "what": "No Metrica type is chosen for the status “{{value}}”."
    },
    "user_id_needs_set_user_id": {
      "meaning": "UserID links only if the site sent it with setUserID",
      "title": "UserID needs setup",
      "todo": "Ask the site developer or use ClientID.",
      "what": "UserID links only if the site sends it to Metrica (setUserID)."
    }
  },
  "notify": {
    "accepted_few": "“{{file}}”: Metrica took {{count, number}} rows. Counter {{counter}}",
    "accepted_many": "“{{file}}”: Metrica took {{count, number}} rows. Counter {{counter}}",
    "accepted_one": "“{{file}}”: Metrica took {{count, number}} row. Counter {{counter}}",
    "accepted_other": "“{{file}}”: Metrica took {{count, number}} rows. Counter {{counter}}",
    "failed": "Upload failed",
    "failed_body": "“{{file}}”, counter {{counter}}. {{message}}",
    "follow_stopped": "The Yandex sign-in expired while the window was closed. Open the app and sign in again: it will find out how the uploads ended.",
    "follow_stopped_title": "Metrika Bridge stopped following your uploads",
    "job_failed": "Job “{{job}}” did not work",
    "job_overdue": "Job “{{job}}” has sent nothing new for too long",
    "linkage_failure": "Metrica linked no rows",
    "linked_few": "“{{file}}”: {{linked, number}} of {{count, number}} rows linked. Counter {{counter}}",
    "linked_many": "“{{file}}”: {{linked, number}} of {{count, number}} rows linked. Counter {{counter}}",
    "linked_one": "“{{file}}”: {{linked, number}} of {{count, number}} row linked. Counter {{counter}}",
    "linked_other": "“{{file}}”: {{linked, number}} of {{count, number}} rows linked. Counter {{counter}}",
    "linked_share_drop": "Linked share fell to {{percent}} %",
    "needs_look": "Needs a look: {{counter}}",
    "processed": "Upload processed",
    "window_closing_few": "A file of job “{{job}}” is not sent: in {{count, number}} days Metrica stops linking this data",
    "window_closing_many": "A file of job “{{job}}” is not sent: in {{count, number}} days Metrica stops linking this data",
    "window_closing_one": "A file of job “{{job}}” is not sent: in {{count, number}} day Metrica stops linking this data",
    "window_closing_other": "A file of job “{{job}}” is not sent: in {{count, number}} days Metrica stops linking this data",
    "window_closing_zero": "A file of job “{{job}}” is not sent: today is the last day Metrica links this data"
  },
  "reason": {
    "cancelled": "The send was cancelled.",
    "linking_window": "The counter does not take offline conversions yet: uploads open on {{date}}. Send again on that day.",
    "network": "Could not reach Metrica — the file did not arrive. It can be sent again.",
    "no_access": "No upload rights on this counter.",
    "not_found": "Metrica did not find the counter.",
    "not_sent": "This part of the file was not sent because the part before it did not go. It never reached Metrica and can be resent.",
    "quota_busy": "Metrica asked to wait: too many requests in a row. Send again in a few minutes.",
    "quota_exceeded": "The Metrica request quota is used up. Send again after 00:00 UTC.",
    "server_error": "The Metrica server answered with error {{status}}. Send again a bit later.",
    "sign_in_needed": "The Yandex sign-in expired — sign in again and resend.",
    "unexpected": "Metrica answered in a way the app could not read. Send again a little later; if it happens again, the details are in the log."
  },
  "send": {
    "partFailed": "part {{n}} did not go",
    "partInterrupted": "sending part {{n}} was interrupted: Metrica may not have it",
    "partRejected": "Metrica refused part {{n}}",
    "partial_few": "{{count, number}} parts of {{total, number}} sent; {{stopped}}",
    "partial_many": "{{count, number}} parts of {{total, number}} sent; {{stopped}}",
    "partial_one": "{{count, number}} part of {{total, number}} sent; {{stopped}}",
    "partial_other": "{{count, number}} parts of {{total, number}} sent; {{stopped}}",
    "partial_zero": "None of the {{total, number}} parts was sent; {{stopped}}",
    "reviewAll_few": "We will send {{count, number}} rows",
    "reviewAll_many": "We will send {{count, number}} rows",
    "reviewAll_one": "We will send {{count, number}} row",
    "reviewAll_other": "We will send {{count, number}} rows",
    "reviewNew_few": "We will send {{count, number}} new rows of {{total, number}}",
    "reviewNew_many": "We will send {{count, number}} new rows of {{total, number}}",
    "reviewNew_one": "We will send {{count, number}} new row of {{total, number}}",
    "reviewNew_other": "We will send {{count, number}} new rows of {{total, number}}"
  },
  "severity": {
    "error": "Error",
    "notice": "Notice",
    "warning": "Warning"
  },
  "stages": {
    "done": "Done",
    "downloading": "Downloading the update",
    "installing": "Installing the update",
    "reading": "Reading the file",
    "uploading": "Sending to Metrica",
    "validating": "Checking rows",
    "waiting": "Waiting for Metrica",
    "writing": "Preparing the file for Metrica"
  },
  "states": {
    "failed": "Failed",
    "interrupted": "Interrupted",
    "linkage_failure": "Not linked",
    "prepared": "Prepared",
    "processed": "Done",
    "processing": "Processing",
    "rejected": "Rejected",
    "sending": "Sending",
    "sent": "Sent",
    "superseded": "Replaced"
  }
};
