package io.stagepass.ingest.stage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LayoutTest {
    @Test
    void sideBySidePutsTheCreatorLeftAndGuestsInAGridWithALastRowCentred() {
        assertThat(Layout.SIDE_BY_SIDE.cells(0, 1280, 720))
                .as("nobody on stage: the creator fills the picture")
                .containsExactly(new Layout.Cell(0, 0, 1280, 720));
        assertThat(Layout.SIDE_BY_SIDE.cells(1, 1280, 720))
                .containsExactly(new Layout.Cell(0, 0, 640, 720), new Layout.Cell(640, 0, 640, 720));
        assertThat(Layout.SIDE_BY_SIDE.cells(2, 1280, 720))
                .containsExactly(
                        new Layout.Cell(0, 0, 640, 360),
                        new Layout.Cell(640, 0, 640, 360),
                        new Layout.Cell(320, 360, 640, 360));
        assertThat(Layout.SIDE_BY_SIDE.cells(3, 1280, 720)).hasSize(4).contains(new Layout.Cell(640, 360, 640, 360));
    }

    @Test
    void pictureInPictureKeepsTheCreatorFullFrameAndTheGuestsSmallInTheBottomRight() {
        List<Layout.Cell> cells = Layout.PICTURE_IN_PICTURE.cells(2, 1280, 720);
        assertThat(cells.get(0)).isEqualTo(new Layout.Cell(0, 0, 1280, 720));
        assertThat(cells.get(1).width()).isEqualTo(320);
        assertThat(cells.get(1).x() + cells.get(1).width()).isLessThanOrEqualTo(1280);
        assertThat(cells.get(2).x()).isLessThan(cells.get(1).x());
        assertThat(cells).allSatisfy(c -> {
            assertThat(c.x() % 2).as("even, for 4:2:0 chroma").isZero();
            assertThat(c.y() % 2).isZero();
            assertThat(c.y() + c.height()).isLessThanOrEqualTo(720);
        });
    }

    @Test
    void aPictureIsFittedIntoItsCellCentredWithItsShape() {
        Layout.Cell cell = new Layout.Cell(640, 0, 640, 720);
        assertThat(cell.fitted(1280, 720)).isEqualTo(new Layout.Cell(640, 180, 640, 360));
        assertThat(cell.fitted(360, 640))
                .as("a phone held upright: full height, centred")
                .isEqualTo(new Layout.Cell(758, 0, 404, 720));
    }

    @Test
    void layoutsHaveWireNames() {
        assertThat(Layout.fromWire("picture-in-picture")).contains(Layout.PICTURE_IN_PICTURE);
        assertThat(Layout.fromWire("grid")).isEmpty();
    }
}
