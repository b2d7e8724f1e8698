/** The id of the record the form shows, from the URL (/odoo/.../<id>). */
export function currentRecordId() {
    const id = window.location.pathname.split("/").pop();
    if (!/^\d+$/.test(id)) {
        throw new Error(`No record id in the URL ${window.location.pathname}`);
    }
    return id;
}

/** The steps that print the PDF ``report`` (its report_name) with the form's ``button`` (a selector) and check it:
 * the download request answered, then the report's HTML of the record the form shows handed to
 * ``check(html, text)``, which throws what is wrong. */
export function printReportSteps({ content, button, report, check }) {
    return [
        {
            content,
            trigger: button,
            run() {
                // The report downloads as a file, which a tour cannot open: watch the download request instead.
                const open = XMLHttpRequest.prototype.open;
                const send = XMLHttpRequest.prototype.send;
                XMLHttpRequest.prototype.open = function (method, url, ...rest) {
                    this.isoUrl = String(url);
                    return open.call(this, method, url, ...rest);
                };
                XMLHttpRequest.prototype.send = function (data) {
                    if (this.isoUrl.includes("/report/download") && data instanceof FormData) {
                        document.body.dataset.isoReportRequest = data.get("data");
                        this.addEventListener("loadend", () => {
                            document.body.dataset.isoReportStatus = String(this.status);
                        });
                    }
                    return send.call(this, data);
                };
                this.anchor.click();
            },
        },
        {
            content: `${report} was printed`,
            trigger: `body[data-iso-report-status='200'][data-iso-report-request*='/report/pdf/${report}/']`,
        },
        {
            content: `${report} shows what it should`,
            trigger: "body[data-iso-report-status='200']",
            async run() {
                const response = await fetch(`/report/html/${report}/${currentRecordId()}`);
                const html = await response.text();
                const page = new DOMParser().parseFromString(html, "text/html");
                check(html, page.body.textContent.replace(/\s+/g, " "));
                document.body.classList.add("o_iso_report_checked");
            },
        },
        {
            content: "Checked",
            trigger: "body.o_iso_report_checked",
        },
    ];
}
